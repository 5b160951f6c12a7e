"""The follower's answer e-mail (answer_follower) no longer carries the reporter's tracking link: anyone may follow a
public report, and that link opens the reporter's own page (their description, their photos) and is their Open311
token. The shipped texts changed in all four languages; this brings the EmailTemplate rows along where they still hold
the old shipped text. A text the city edited in the admin is left alone (a follower's e-mail context has no
tracking_url any more, see notifications.contexts.follower_context, so an edited text that names it shows nothing).

The texts are written out here rather than read from defaults/, so that this migration does the same whenever it runs.
"""

from django.db import migrations

KEY = "answer_follower"

OLD_BODIES = {
    "nl": (
        "Beste,\n"
        "\n"
        "U volgt melding {{ reference }} ({{ category }}). {{ department }} heeft ze beantwoord:\n"
        "\n"
        "{{ answer }}\n"
        "\n"
        "Volg de melding op:\n"
        "{{ tracking_url }}\n"
        "\n"
        "U krijgt deze e-mail omdat u deze melding volgt.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het Meldpunt\n"
    ),
    "fr": (
        "Bonjour,\n"
        "\n"
        "Vous suivez le signalement {{ reference }} ({{ category }}). {{ department }} y a répondu :\n"
        "\n"
        "{{ answer }}\n"
        "\n"
        "Suivez le signalement :\n"
        "{{ tracking_url }}\n"
        "\n"
        "Vous recevez cet e-mail parce que vous suivez ce signalement.\n"
        "\n"
        "Meilleures salutations,\n"
        "Le Meldpunt (point de signalement de la ville)\n"
    ),
    "de": (
        "Guten Tag,\n"
        "\n"
        "Sie folgen der Meldung {{ reference }} ({{ category }}). {{ department }} hat sie beantwortet:\n"
        "\n"
        "{{ answer }}\n"
        "\n"
        "Verfolgen Sie die Meldung:\n"
        "{{ tracking_url }}\n"
        "\n"
        "Sie erhalten diese E-Mail, weil Sie dieser Meldung folgen.\n"
        "\n"
        "Mit freundlichen Grüßen\n"
        "Ihr Meldpunt (Meldestelle der Stadt)\n"
    ),
    "en": (
        "Hello,\n"
        "\n"
        "You follow report {{ reference }} ({{ category }}). {{ department }} has answered it:\n"
        "\n"
        "{{ answer }}\n"
        "\n"
        "Follow the report:\n"
        "{{ tracking_url }}\n"
        "\n"
        "You receive this e-mail because you follow this report.\n"
        "\n"
        "Kind regards,\n"
        "The Meldpunt (city reporting desk)\n"
    ),
}

NEW_BODIES = {
    "nl": (
        "Beste,\n"
        "\n"
        "U volgt melding {{ reference }} ({{ category }}). {{ department }} heeft ze beantwoord:\n"
        "\n"
        "{{ answer }}\n"
        "\n"
        "Vragen? Bel gratis {{ meldpunt_phone }} en vermeld referentie {{ reference }}.\n"
        "\n"
        "U krijgt deze e-mail omdat u deze melding volgt.\n"
        "\n"
        "Met vriendelijke groeten,\n"
        "Het Meldpunt\n"
    ),
    "fr": (
        "Bonjour,\n"
        "\n"
        "Vous suivez le signalement {{ reference }} ({{ category }}). {{ department }} y a répondu :\n"
        "\n"
        "{{ answer }}\n"
        "\n"
        "Des questions ? Appelez gratuitement le {{ meldpunt_phone }} en mentionnant la référence {{ reference }}.\n"
        "\n"
        "Vous recevez cet e-mail parce que vous suivez ce signalement.\n"
        "\n"
        "Meilleures salutations,\n"
        "Le Meldpunt (point de signalement de la ville)\n"
    ),
    "de": (
        "Guten Tag,\n"
        "\n"
        "Sie folgen der Meldung {{ reference }} ({{ category }}). {{ department }} hat sie beantwortet:\n"
        "\n"
        "{{ answer }}\n"
        "\n"
        "Fragen? Rufen Sie kostenlos {{ meldpunt_phone }} an und nennen Sie das Aktenzeichen {{ reference }}.\n"
        "\n"
        "Sie erhalten diese E-Mail, weil Sie dieser Meldung folgen.\n"
        "\n"
        "Mit freundlichen Grüßen\n"
        "Ihr Meldpunt (Meldestelle der Stadt)\n"
    ),
    "en": (
        "Hello,\n"
        "\n"
        "You follow report {{ reference }} ({{ category }}). {{ department }} has answered it:\n"
        "\n"
        "{{ answer }}\n"
        "\n"
        "Questions? Call {{ meldpunt_phone }} (free of charge) and mention reference {{ reference }}.\n"
        "\n"
        "You receive this e-mail because you follow this report.\n"
        "\n"
        "Kind regards,\n"
        "The Meldpunt (city reporting desk)\n"
    ),
}


def _replace(apps, before: dict[str, str], after: dict[str, str]) -> None:
    EmailTemplate = apps.get_model("notifications", "EmailTemplate")
    for language, body in before.items():
        EmailTemplate.objects.filter(key=KEY, language=language, body=body).update(body=after[language])


def forwards(apps, schema_editor):
    _replace(apps, OLD_BODIES, NEW_BODIES)


def backwards(apps, schema_editor):
    _replace(apps, NEW_BODIES, OLD_BODIES)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_follow_confirmation_template")]

    operations = [migrations.RunPython(forwards, backwards)]
