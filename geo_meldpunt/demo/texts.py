"""What demo reports say: Dutch texts built from templates per category and kind (drawn in rows.py)."""

from __future__ import annotations

import numpy as np

from geo_meldpunt.reports.models import Category, Kind

# What a reporter writes, by a word in the category's slug or Dutch name (its parent's when its own has none).
# Order matters: the first topic with a matching word wins, so specific words come before general ones
# ("verkeerslicht" before "licht", "strand-afval" before "afval").
TOPICS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("verkeerslicht",),
        ("Het verkeerslicht staat altijd op rood", "Verkeerslicht knippert oranje", "Voetgangerslicht werkt niet"),
    ),
    (
        ("strand", "duin", "zeedijk", "dijk", "aangespoeld"),
        (
            "Veel afval op het strand",
            "Zand waait over de dijk",
            "Strandtrap is kapot",
            "Gebroken glas in het zand",
            "Er is iets groots aangespoeld",
        ),
    ),
    (
        ("haven", "kaai", "drijfvuil"),
        ("Afval drijft in het water aan de kaai", "Losse meerpaal aan de kade", "Olievlek in het havendok"),
    ),
    (
        ("sluikstort",),
        (
            "Iemand heeft hier vuilniszakken gedumpt",
            "Sluikstort: een oude matras en kartonnen dozen",
            "Grofvuil achtergelaten naast de glasbol",
            "Bouwafval gedumpt in de berm",
        ),
    ),
    (
        ("vuilbak", "vuilnisbak", "afvalbak", "container", "glasbol"),
        (
            "De vuilnisbak zit overvol",
            "Afvalbak is kapot en het vuil waait weg",
            "Glasbol zit vol, er staan flessen naast",
        ),
    ),
    (
        ("graffiti", "vandal", "verniel"),
        ("Graffiti op de gevel", "Bushokje is vernield, overal glas", "Tags op het elektriciteitskastje"),
    ),
    (
        ("hond", "uitwerpselen"),
        ("Veel hondenpoep op het voetpad", "Honden worden hier niet opgeruimd"),
    ),
    (
        ("zwerfvuil", "afval", "vuil", "netheid"),
        (
            "Er ligt veel zwerfvuil",
            "Overal blikjes en plastic flessen",
            "Zwerfvuil langs de kant van de weg",
            "Sigarettenpeuken en papiertjes op de grond",
        ),
    ),
    (
        ("lamp", "verlichting", "lichtpaal"),
        (
            "De straatlamp brandt niet meer",
            "Straatverlichting flikkert de hele nacht",
            "Lantaarnpaal is aangereden en staat scheef",
            "Hele straat zit 's avonds in het donker",
        ),
    ),
    (
        ("meubilair", "bank"),
        ("Zitbank is kapot", "Picknicktafel is beklad en stuk", "Paaltje is omvergereden"),
    ),
    (
        ("voetpad", "stoep", "trottoir"),
        (
            "Tegels liggen los op het voetpad",
            "Het voetpad is verzakt, gevaarlijk voor oudere mensen",
            "Boomwortels duwen de stoeptegels omhoog",
        ),
    ),
    (
        ("fietswrak",),
        ("Achtergelaten fietswrak aan het fietsenrek", "Fiets zonder wielen staat hier al maanden"),
    ),
    (
        ("fiets",),
        ("Het fietspad ligt vol putten", "Glasscherven op het fietspad", "Fietspad is verzakt"),
    ),
    (
        ("bushalte",),
        ("Het bushokje is beschadigd", "Dienstregeling aan de bushalte is onleesbaar"),
    ),
    (
        ("parke",),
        ("Auto's parkeren op het fietspad", "Wagen staat al weken op het voetpad geparkeerd"),
    ),
    (
        ("verkeersbord", "markering", "verkeer", "signalisatie"),
        (
            "Verkeersbord is omgereden",
            "Zebrapad is bijna niet meer zichtbaar",
            "Er wordt hier veel te snel gereden",
        ),
    ),
    (
        ("wegdek", "put", "wegen", "asfalt", "straat"),
        (
            "Diepe put in het wegdek",
            "Losliggende klinkers op de rijbaan",
            "Grote scheur in het asfalt",
            "Verzakking in de straat na de werken",
        ),
    ),
    (
        ("speel",),
        ("Speeltoestel is kapot", "Scherpe rand aan de glijbaan", "Zandbak ligt vol afval"),
    ),
    (
        ("boom", "groen", "park", "plant", "gras", "haag"),
        (
            "Overhangende takken hinderen de doorgang",
            "Het gras wordt hier niet meer gemaaid",
            "Omgewaaide boom na de storm",
            "Onkruid groeit hoog tussen de tegels",
        ),
    ),
    (
        ("riool", "kolk", "water", "gracht"),
        (
            "Verstopte straatkolk",
            "Na elke regenbui blijft hier water staan",
            "Er komt een rioolgeur uit het rooster",
        ),
    ),
    (
        ("geur",),
        ("Sterke brandgeur in de buurt", "Stank van een bedrijf in de buurt"),
    ),
    (
        ("geluid", "lawaai", "evenement", "overlast", "orde"),
        (
            "Geluidsoverlast tot diep in de nacht",
            "Luide muziek uit een café",
            "Groep jongeren veroorzaakt overlast",
        ),
    ),
    (
        ("bouwwerf", "werf"),
        ("Bouwwerf zonder afsluiting", "Werfmateriaal ligt op het voetpad"),
    ),
    (
        ("gebouw", "leegstand"),
        (
            "Dakgoot hangt los boven het voetpad",
            "Leegstaand pand met kapotte ramen",
            "Stukken gevel vallen naar beneden",
        ),
    ),
    (
        ("plaag", "rat", "meeuw"),
        ("Ratten gezien bij de containers", "Meeuwen scheuren de vuilniszakken open"),
    ),
    (
        ("dier",),
        ("Dood dier op de rijbaan", "Hond zit de hele dag alleen in de tuin", "Gewonde meeuw op het voetpad"),
    ),
)
# Complaints about the service itself happen at a desk or on the phone, not at a spot in the street.
SERVICE_WORDS = ("dienstverlening", "wachttijd", "houding", "informatie", "dossier", "loket", "onthaal")
SERVICE_TOPICS = (
    "Ik heb meer dan een uur moeten wachten aan het loket.",
    "De medewerker aan de telefoon was onvriendelijk.",
    "Op de website staat verkeerde informatie over de openingsuren.",
    "Mijn dossier ligt al maanden stil.",
    "Ik werd drie keer doorverbonden zonder antwoord.",
)
PLACES = (
    "ter hoogte van huisnummer {n}",
    "aan de hoek van de straat",
    "naast de bushalte",
    "vlak bij het kruispunt",
    "tegenover de bakker",
    "aan de ingang van het park",
    "voor de school",
    "bij de parking",
    "aan de overkant van huisnummer {n}",
    "op de dijk",
)
SINCE = (
    "Dit is al {n} dagen zo.",
    "Sinds vorige week.",
    "Vanochtend opgemerkt.",
    "Het wordt steeds erger.",
    "Al een paar keer gezien.",
    "",
)
ASKS = (
    "Graag snel herstellen.",
    "Kan iemand dit komen bekijken?",
    "Alvast bedankt.",
    "Het is gevaarlijk voor fietsers.",
    "Er wonen hier veel kinderen.",
    "",
)
COMPLAINTS = (
    "Ik heb dit al eerder gemeld en er is nog steeds niets gebeurd.",
    "Ik kreeg geen antwoord op mijn vorige melding.",
    "Dit is al maanden zo, ik vind dit onaanvaardbaar.",
    "Bij de stad aan de telefoon werd ik van het kastje naar de muur gestuurd.",
)
SUGGESTIONS = (
    "Zou het mogelijk zijn om hier extra vuilnisbakken te plaatsen?",
    "Misschien kan hier een zitbank bij?",
    "Een fietsenrek zou hier veel helpen.",
    "Meer groen zou deze plek aangenamer maken.",
    "Een extra straatlamp zou het hier veiliger maken.",
)
COMPLIMENTS = (
    "Dank aan de ploeg die dit zo snel heeft opgelost!",
    "Proficiat, de straat ziet er weer piekfijn uit.",
    "Heel vriendelijke medewerker aan de telefoon, bedankt.",
    "Mooi werk aan het nieuwe plein.",
)


def topics_for(category: Category) -> tuple[str, ...]:
    """Phrases for this category; service complaints end with their own full stop and take no place."""
    parent = f"{category.parent.slug} {category.parent.name_nl}" if category.parent else ""
    for words in (f"{category.slug} {category.name_nl}".lower(), parent.lower()):
        if any(k in words for k in SERVICE_WORDS):
            return SERVICE_TOPICS
        for keys, phrases in TOPICS:
            if any(k in words for k in keys):
                return phrases
    return (f"Probleem met {category.name_nl.lower()}", f"Melding over {category.name_nl.lower()}")


def description_texts(
    rng: np.random.Generator, topics: list[tuple[str, ...]], cat: np.ndarray, kind: np.ndarray
) -> list[str]:
    """A Dutch description per report, from its kind and the phrases of its category (`topics[cat[i]]`)."""
    n = len(cat)
    r = rng.integers(0, 1 << 30, size=(n, 4))
    number = rng.integers(1, 120, size=n)
    out = []
    for i in range(n):
        k = kind[i]
        if k == Kind.SUGGESTIE:
            out.append(SUGGESTIONS[r[i, 0] % len(SUGGESTIONS)])
            continue
        if k == Kind.COMPLIMENT:
            out.append(COMPLIMENTS[r[i, 0] % len(COMPLIMENTS)])
            continue
        phrases = topics[cat[i]]
        topic = phrases[r[i, 0] % len(phrases)]
        place = PLACES[r[i, 1] % len(PLACES)].format(n=number[i])
        text = topic if topic.endswith(".") else f"{topic} {place}."
        if k == Kind.KLACHT:
            text += " " + COMPLAINTS[r[i, 2] % len(COMPLAINTS)]
        else:
            since = SINCE[r[i, 2] % len(SINCE)].format(n=number[i] % 14 + 2)
            ask = ASKS[r[i, 3] % len(ASKS)]
            text = " ".join(part for part in (text, since, ask) if part)
        out.append(text)
    return out
