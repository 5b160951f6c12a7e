"""The compliment e-mails name the staff member the reporter praised (`staff_member`), and the thanks says whether
the compliment went to the service already (`passed_on`). Rows still holding the text shipped before get the new
shipped text (subject and body); a row edited in the admin is left as it is.
"""

from pathlib import Path

from django.db import migrations

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"

# The bodies shipped until this migration, (key, language) -> body, as 0002 wrote them.
OLD_BODIES = {
    (
        "compliment_forward",
        "de",
    ): "Liebe Kolleginnen und Kollegen,\n\nder Meldpunt hat ein Kompliment für Ihre Dienststelle erhalten.\n\nAktenzeichen: {{ reference }}\nKategorie: {{ category }}\n{% if reporter_name %}Von: {{ reporter_name }}\n{% endif %}{% if address %}Ort: {{ address }}\n{% endif %}\n{{ description }}\n\nDer Person wurde bereits gedankt.\n\nIhr Meldpunt\n",
    (
        "compliment_forward",
        "en",
    ): "Dear colleagues,\n\nThe Meldpunt received a compliment for your department.\n\nReference: {{ reference }}\nCategory: {{ category }}\n{% if reporter_name %}From: {{ reporter_name }}\n{% endif %}{% if address %}Place: {{ address }}\n{% endif %}\n{{ description }}\n\nThe reporter has already been thanked.\n\nThe Meldpunt\n",
    (
        "compliment_forward",
        "fr",
    ): "Chers collègues,\n\nLe Meldpunt a reçu un compliment pour votre service.\n\nRéférence : {{ reference }}\nCatégorie : {{ category }}\n{% if reporter_name %}De : {{ reporter_name }}\n{% endif %}{% if address %}Lieu : {{ address }}\n{% endif %}\n{{ description }}\n\nLa personne a déjà été remerciée.\n\nLe Meldpunt\n",
    (
        "compliment_forward",
        "nl",
    ): "Beste collega's,\n\nHet Meldpunt ontving een compliment voor jullie dienst.\n\nReferentie: {{ reference }}\nCategorie: {{ category }}\n{% if reporter_name %}Van: {{ reporter_name }}\n{% endif %}{% if address %}Plaats: {{ address }}\n{% endif %}\n{{ description }}\n\nDe melder is al bedankt.\n\nHet Meldpunt\n",
    (
        "compliment_thanks",
        "de",
    ): "{% if reporter_name %}Guten Tag {{ reporter_name }}{% else %}Guten Tag{% endif %},\n\nherzlichen Dank für Ihr Kompliment. Wir haben es sofort an {{ department }} weitergegeben.\n\nAktenzeichen: {{ reference }}\n\nMit freundlichen Grüßen\nIhr Meldpunt (Meldestelle der Stadt)\n",
    (
        "compliment_thanks",
        "en",
    ): "{% if reporter_name %}Dear {{ reporter_name }}{% else %}Hello{% endif %},\n\nThank you very much for your compliment. We have passed it on to {{ department }} straight away.\n\nReference: {{ reference }}\n\nKind regards,\nThe Meldpunt (city reporting desk)\n",
    (
        "compliment_thanks",
        "fr",
    ): "{% if reporter_name %}Bonjour {{ reporter_name }}{% else %}Bonjour{% endif %},\n\nMerci beaucoup pour votre compliment. Nous l'avons transmis immédiatement à {{ department }}.\n\nRéférence : {{ reference }}\n\nMeilleures salutations,\nLe Meldpunt (point de signalement de la ville)\n",
    (
        "compliment_thanks",
        "nl",
    ): "{% if reporter_name %}Beste {{ reporter_name }}{% else %}Beste{% endif %},\n\nHartelijk dank voor uw compliment. We hebben het meteen bezorgd aan {{ department }}.\n\nReferentie: {{ reference }}\n\nMet vriendelijke groeten,\nHet Meldpunt\n",
}


def update(apps, schema_editor):
    EmailTemplate = apps.get_model("notifications", "EmailTemplate")
    for (key, language), old_body in OLD_BODIES.items():
        path = DEFAULTS_DIR / language / f"{key}.txt"
        subject, _blank, body = path.read_text(encoding="utf-8").partition("\n\n")
        EmailTemplate.objects.filter(key=key, language=language, body=old_body).update(
            subject=subject.strip(), body=body
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_inadmissible_template")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
