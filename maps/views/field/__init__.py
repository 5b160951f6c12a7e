"""The field page (/veld/): city staff (community wardens, inspectors, any employee) report from the street on a
phone, also without a connection.

- page.py: the page, its web-app manifest and its service worker (served here, so its scope is /veld/);
- data.py: the page's JSON: the session, "around me", "mine", following and confirming an open report;
- texts.py: every text the page's script shows, translated here;
- access.py: who may use it (any city employee: a meldpunt role, or staff).
New reports themselves go to the public API (POST /api/v1/reports/, channel "field", with an Idempotency-Key).
"""
