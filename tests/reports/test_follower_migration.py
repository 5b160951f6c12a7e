"""Upgrading a database that already has followers: the confirmation migration keeps every follower, confirmed as of
when they followed, each with a token of its own (it once failed on such a database: pending trigger events)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0011_report_public_recent")]
AFTER = [("reports", "0012_follower_confirmation")]


@pytest.mark.django_db(transaction=True)
def test_followers_recorded_before_the_rule_survive_the_migration_confirmed():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        Category = old_apps.get_model("reports", "Category")
        Report = old_apps.get_model("reports", "Report")
        Follower = old_apps.get_model("reports", "Follower")
        Department = old_apps.get_model("zones", "Department")
        department = Department.objects.create(slug="oud", name_nl="Oud")
        category = Category.objects.create(slug="oud", name_nl="Oud", kinds=["melding"])
        report = Report.objects.create(
            reference="OST-2020-000001",
            category=category,
            description="x",
            tracking_token="t" * 20,
            department=department,
        )
        for i in range(3):
            Follower.objects.create(report=report, email=f"volger{i}@example.org")

        MigrationExecutor(connection).migrate(AFTER)

        with connection.cursor() as cursor:
            cursor.execute("SELECT confirmed_at = created_at, token FROM reports_follower ORDER BY id")
            rows = cursor.fetchall()
        assert len(rows) == 3
        assert all(confirmed for confirmed, _ in rows)
        tokens = [token for _, token in rows]
        assert len(set(tokens)) == 3 and all(len(token) >= 32 for token in tokens)
    finally:
        MigrationExecutor(connection).migrate(latest)
