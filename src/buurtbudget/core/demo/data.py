"""What the demo creates, as plain data. Postcodes are plausible, not an official CBS mapping."""

from __future__ import annotations

from dataclasses import dataclass, field

from buurtbudget.accounts.models import Role
from buurtbudget.areas.models import AreaLevel

DEMO_PASSWORD = "buurtbudget-demo"

D, W, B = AreaLevel.DISTRICT, AreaLevel.NEIGHBOURHOOD, AreaLevel.BUURT


@dataclass(frozen=True)
class Postcodes:
    postcode_from: str
    postcode_to: str
    house_number_from: int | None = None
    house_number_to: int | None = None


@dataclass(frozen=True)
class DemoArea:
    slug: str
    name: str
    level: str
    parent: str = ""  # slug of the parent, declared earlier in the list
    postcodes: tuple[Postcodes, ...] = ()


@dataclass(frozen=True)
class DemoMunicipality:
    slug: str
    name: str
    primary_colour: str
    accent_colour: str
    contact_email: str
    contact_phone: str
    website: str
    address: str
    areas: tuple[DemoArea, ...] = field(default=())


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str  # a standing role, or "" for a log-in that only holds roles on one object (see `note`)
    municipality: str
    area: str = ""  # slug; empty means the whole municipality
    postcode: str = ""
    house_number: int | None = None
    note: str = ""  # what the log-in is, printed instead of a role when it has no standing role


AMSTERDAM = DemoMunicipality(
    slug="amsterdam",
    name="Amsterdam",
    # The city red passes 4.5:1 with white (checked by tenancy.contrast when created).
    primary_colour="#ec0000",
    accent_colour="#004699",
    contact_email="buurtbudget@amsterdam.example",
    contact_phone="14 020",
    website="https://www.amsterdam.nl/",
    address="Amstel 1, 1011 PN Amsterdam",
    areas=(
        DemoArea("nieuw-west", "Nieuw-West", D),
        DemoArea("geuzenveld", "Geuzenveld", W, "nieuw-west", (Postcodes("1067AA", "1067ZZ"),)),
        DemoArea(
            "bloemenbuurt",
            "Bloemenbuurt",
            B,
            "geuzenveld",
            # 1067 HK is split by house number between two buurten.
            (Postcodes("1067HA", "1067HJ"), Postcodes("1067HK", "1067HK", 1, 49)),
        ),
        DemoArea(
            "lambertus-zijlbuurt",
            "Lambertus Zijlbuurt",
            B,
            "geuzenveld",
            (Postcodes("1067HK", "1067HK", 50, None), Postcodes("1067HL", "1067HZ")),
        ),
        DemoArea("slotermeer", "Slotermeer", W, "nieuw-west", (Postcodes("1064AA", "1064ZZ"),)),
        DemoArea("noord", "Noord", D),
        DemoArea("tuindorp-oostzaan", "Tuindorp Oostzaan", W, "noord", (Postcodes("1032AA", "1032ZZ"),)),
        DemoArea("banne-buiksloot", "Banne Buiksloot", W, "noord", (Postcodes("1034AA", "1034ZZ"),)),
        DemoArea("west", "West", D),
        DemoArea("bos-en-lommer", "Bos en Lommer", W, "west", (Postcodes("1055AA", "1056AZ"),)),
        DemoArea("de-baarsjes", "De Baarsjes", W, "west", (Postcodes("1056BA", "1057ZZ"),)),
        DemoArea("zuid", "Zuid", D),
        DemoArea("buitenveldert", "Buitenveldert", W, "zuid", (Postcodes("1081AA", "1083ZZ"),)),
        DemoArea("zuidoost", "Zuidoost", D),
        DemoArea("k-buurt", "K-buurt", W, "zuidoost", (Postcodes("1104AA", "1104ZZ"),)),
        DemoArea("holendrecht", "Holendrecht", W, "zuidoost", (Postcodes("1106AA", "1106ZZ"),)),
    ),
)

UTRECHT = DemoMunicipality(
    slug="utrecht",
    name="Utrecht",
    primary_colour="#cc0000",
    accent_colour="#24578f",
    contact_email="vouchers@utrecht.example",
    contact_phone="14 030",
    website="https://www.utrecht.nl/",
    address="Stadsplateau 1, 3521 AZ Utrecht",
    # Utrecht's ten wijken are its top level (stadsdeel in our tree); subwijken sit below them.
    areas=(
        DemoArea("overvecht", "Overvecht", D, "", (Postcodes("3561AA", "3564ZZ"),)),
        DemoArea("noordwest", "Noordwest", D),
        DemoArea("zuilen", "Zuilen", W, "noordwest", (Postcodes("3553AA", "3555ZZ"),)),
        DemoArea("zuidwest", "Zuidwest", D),
        DemoArea("kanaleneiland", "Kanaleneiland", W, "zuidwest", (Postcodes("3526AA", "3527ZZ"),)),
    ),
)

MUNICIPALITIES = (AMSTERDAM, UTRECHT)

# One log-in per role in Amsterdam; Utrecht gets the voucher-system roles.
PEOPLE = (
    DemoPerson(
        "bewoner@amsterdam.example", "Fatima Bewoner", Role.RESIDENT, "amsterdam", "geuzenveld", "1067AB", 12
    ),
    DemoPerson(
        "initiatiefnemer@amsterdam.example",
        "Sem Initiatiefnemer",
        Role.INITIATOR,
        "amsterdam",
        "de-baarsjes",
        "1056CD",
        3,
    ),
    DemoPerson(
        "regiegroep@amsterdam.example", "Noor Regiegroep", Role.STEERING_MEMBER, "amsterdam", "zuidoost"
    ),
    DemoPerson(
        "voorzitter@amsterdam.example", "Jan Voorzitter", Role.STEERING_CHAIR, "amsterdam", "zuidoost"
    ),
    DemoPerson(
        "contact@amsterdam.example", "Eva Contactambtenaar", Role.CONTACT_OFFICIAL, "amsterdam", "west"
    ),
    DemoPerson("budgetbeheer@amsterdam.example", "Bram Budgetbeheerder", Role.BUDGET_MANAGER, "amsterdam"),
    DemoPerson("betaalorganisatie@amsterdam.example", "Ayla Betaalorganisatie", Role.PAYER, "amsterdam"),
    DemoPerson("penningmeester@amsterdam.example", "Kees Penningmeester", Role.TREASURER, "amsterdam"),
    DemoPerson(
        "ondersteuner@amsterdam.example", "Lotte Ondersteuner", Role.SUPPORT_PARTY, "amsterdam", "noord"
    ),
    DemoPerson(
        "bewonersgroep@amsterdam.example",
        "Bewonersgroep K-buurt",
        Role.RESIDENTS_GROUP,
        "amsterdam",
        "k-buurt",
    ),
    # Members of the demo's residents' group (model C): their only roles are for that group.
    DemoPerson(
        "kbuurt-voorzitter@amsterdam.example",
        "Kofi Mensah",
        "",
        "amsterdam",
        "k-buurt",
        "1104AB",
        10,
        note="voorzitter Bewonersgroep K-buurt / group chair",
    ),
    DemoPerson(
        "kbuurt-lid@amsterdam.example",
        "Esther Boateng",
        "",
        "amsterdam",
        "k-buurt",
        "1104CD",
        21,
        note="lid Bewonersgroep K-buurt / group member",
    ),
    DemoPerson(
        "stadsdeel@amsterdam.example", "Mo Stadsdeel", Role.DISTRICT_OFFICER, "amsterdam", "nieuw-west"
    ),
    DemoPerson("auditor@amsterdam.example", "Ingrid Auditor", Role.AUDITOR, "amsterdam"),
    DemoPerson("bewoner@utrecht.example", "Daan Bewoner", Role.RESIDENT, "utrecht", "overvecht", "3562AB", 7),
    DemoPerson("voorzitter@utrecht.example", "Sara Voorzitter", Role.STEERING_CHAIR, "utrecht", "overvecht"),
    DemoPerson("budgetbeheer@utrecht.example", "Tim Budgetbeheerder", Role.BUDGET_MANAGER, "utrecht"),
    DemoPerson(
        "regiegroep@utrecht.example", "Noor Regiegroeplid", Role.STEERING_MEMBER, "utrecht", "overvecht"
    ),
    DemoPerson(
        "regiegroep2@utrecht.example", "Joost Regiegroeplid", Role.STEERING_MEMBER, "utrecht", "overvecht"
    ),
    DemoPerson("betaalorganisatie@utrecht.example", "Fatima Betaalorganisatie", Role.PAYER, "utrecht"),
)
