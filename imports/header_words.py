"""The words of stock-list headers in English, Swedish, Danish and Dutch, as data.

Every word here is compared folded: lower case, no accents, æ as ae and ø as o, letters and
digits only ("Inköps-pris (kr)" is "inkopspris" once its unit is dropped). imports/mapping.py
tries, in turn: the whole header among NAMES; the header with its abbreviations written out;
then the STEMS below, in order, on the header as one word, so that compounds ("Hyllplats",
"Anskaffelsesdato") and headers with more words ("Date of acquisition") find their field.
"""

from __future__ import annotations

IGNORE = "ignore"  # our export's status column and our error file's reason: never imported
EXTRA = "extra"  # a column we know is no field of ours: kept as an extra attribute

# field -> whole header names (our own export's headers among them).
NAMES: dict[str, tuple[str, ...]] = {
    "tag": (
        "Asset tag", "Tag", "Asset number", "Asset no", "Inventory number", "Inventarienr",
        "Inventarienummer", "Inventarie nr", "Nummer", "Nr", "Individnummer", "Löpnummer",
        "Inventarnummer", "Inventarnr", "Inventarisnummer", "Inventarisnr", "Etikett", "Id",
        "Label", "Number", "No",
    ),
    "name": (
        "Name", "Item", "Description", "Benämning", "Namn", "Artikelbenämning", "Beskrivning",
        "Betegnelse", "Benævnelse", "Navn", "Omschrijving", "Naam", "Artikel", "Inventarie",
        "Inventar", "Art", "Vara", "Vare", "Ting", "Sak", "Object", "Objekt",
    ),
    "category": (
        "Category", "Type", "Kategori", "Varugrupp", "Artikelgrupp", "Gruppe", "Grupp",
        "Categorie", "Groep", "Typ", "Class", "Klass", "Klasse", "Soort", "Slag",
    ),
    "quantity": ("Quantity", "Qty", "Antal", "Aantal", "Mängd", "Stk", "St", "Stuks", "Count",
                 "Pcs", "Antall"),
    "condition": (
        "Condition", "State", "Skick", "Tillstånd", "Stand", "Tilstand", "Staat", "Conditie",
    ),
    "storeroom": (
        "Storeroom", "Store", "Location", "Förråd", "Lagerplats", "Lager", "Lokale", "Depot",
        "Locatie", "Magazijn", "Opslag", "Lokation", "Lagerlokation",
    ),
    "position": ("Position", "Positie", "Hylla", "Hylde", "Shelf", "Reol", "Rack", "Bin",
                 "Pall", "Palle", "Pallet", "Fack", "Vak", "Plank", "Schap", "Stelling"),
    "site": (
        "Site", "Building", "Byggnad", "Fastighet", "Anläggning", "Bygning", "Ejendom",
        "Gebouw", "Vestiging", "Hus", "Pand", "Complex", "Property",
    ),
    "department": (
        "Department", "Verksamhet", "Avdelning", "Förvaltning", "Afdeling", "Dienst",
        "Afdeling/enhed", "Enhet", "Enhed", "Team", "Sector", "Division", "Center",
        "Directorate", "Unit",
    ),
    "purchase_date": (
        "Purchase date", "Purchased", "Bought", "Inköpsdatum", "Inköpt", "Anskaffningsdatum",
        "Købt", "Købsdato", "Anskaffelsesdato", "Aankoopdatum", "Aangekocht", "Anskaffet",
        "Acquired", "Gekocht", "Aangeschaft",
    ),
    "purchase_price": (
        "Purchase price", "Price", "Cost", "Inköpspris", "Pris", "Anskaffningsvärde",
        "Anskaffelsespris", "Købspris", "Aankoopprijs", "Prijs", "Aankoopwaarde", "À-pris",
    ),
    "replacement_value": (
        "Replacement value", "Replacement cost", "Återanskaffningsvärde", "Nypris",
        "Genanskaffelsesværdi", "Genanskaffelsespris", "Vervangingswaarde", "Nieuwprijs",
    ),
    "serial_number": (
        "Serial number", "Serial", "Serial no", "SN", "S/N", "Serienummer", "Serienr",
        "Serie nr",
    ),
    "manufacturer": (
        "Manufacturer", "Brand", "Make", "Tillverkare", "Fabrikat", "Märke", "Producent",
        "Fabrikant", "Merk", "Mærke", "Fabrikaat",
    ),
    "model": ("Model", "Modell", "Typbeteckning", "Modelnummer", "Typebetegnelse"),
    "place": ("Place", "Room", "Placering", "Plats", "Rum", "Sted", "Rum nr", "Plaats", "Ruimte",
              "Lokal", "Lokaal", "Kamer", "In use at"),
    "notes": (
        "Notes", "Note", "Comment", "Comments", "Remarks", "Anmärkning", "Kommentar",
        "Anteckning", "Notering", "Bemærkning", "Bemærkninger", "Opmerking", "Opmerkingen",
        "Övrigt", "Toelichting", "Bijzonderheden", "Info",
    ),
    # The reason column of our error-rows download, in each language we write it.
    IGNORE: ("Import error", "Importfel", "Importfejl", "Importfout"),
    # Alone, these could be any of several fields: kept as they are, for the user to map.
    EXTRA: ("Value", "Valuation", "Värde", "Værdi", "Waarde", "Belopp", "Bedrag", "Amount",
            "Datum", "Dato", "Date"),
}  # fmt: skip

# Our export's status column: left out of a file that is our export (status changes go
# through moves and reuse), kept as an extra attribute in any other.
OUR_STATUS = ("Status",)

# Abbreviations written out before matching: "Inv.nr" is "inventarie nummer".
ABBREVIATIONS = {
    "inv": "inventarie", "nr": "nummer", "no": "nummer", "num": "nummer", "nbr": "nummer",
    "ser": "serie", "art": "artikel", "anm": "anmarkning", "bem": "bemaerkning",
    "opm": "opmerking", "bygn": "bygning", "dept": "department", "afd": "afdeling",
    "org": "organisation", "mfr": "manufacturer", "mfg": "manufacturer", "qty": "quantity",
    "aant": "aantal", "ant": "antal", "anskaff": "anskaffelse", "tillv": "tillverkare",
    "fabr": "fabrikat", "kat": "kategori", "cat": "category", "beskr": "beskrivning",
    "desc": "description", "descr": "description", "loc": "location", "pos": "position",
    "lev": "leverantor", "purch": "purchase", "kom": "kommentar", "number": "nummer",
    "numbers": "nummer",
}  # fmt: skip

# Units, currencies and tax notes that say nothing about the field: "Pris (SEK) inkl. moms".
NOTE_WORDS = frozenset({
    "kr", "kkr", "tkr", "sek", "dkk", "nok", "eur", "euro", "usd", "gbp", "incl", "inkl", "ink",
    "inc", "including", "excl", "exkl", "ekskl", "eks", "ex", "excluding", "moms", "btw", "vat",
    "mva", "pcs", "stk", "stuks", "st", "dd", "mm", "yyyy", "aaaa", "jjjj", "aa", "jj", "yy",
    "per", "a", "the", "de", "het", "en", "og", "och", "and",
})  # fmt: skip

# (field, stems): the first field one of whose stems the folded header contains, in this
# order, most telling first. EXTRA: a column we know is none of our fields.
STEMS: tuple[tuple[str, str], ...] = (
    (
        EXTRA,
        r"artikel(nummer|nr)|artnr|artnummer|^ponummer|purchaseorder|^partnummer|hmi|hms|^iso"
        r"|gtin|^ean|order|ordre|(from|fran)$|faktur|invoice|bestel"
        r"|leverant|leverand|leverancier|supplier|vendor|garanti|warrant|senasteservice"
        r"|service(datum|date|dato|intervall?)|lastservice|nastaservice|service$|besiktn"
        r"|inspect|vikt|weight|gewicht|vaegt|^matt|dimension|afmeting|farg|farve|kleur"
        r"|colou?r|bokf|bogf|book|boek|restvard|avskriv|afskriv|depreci|afschrijv|kostnads"
        r"|kostenpl|omkostning|costcent|budget|kontakt|contact|telefon|phone|mail|url|foto"
        r"|photo|^bild|billede|afbeeld|image|discount|rabat|korting|leverans|levering|^min"
        r"|minimum|^max|maximum|reorder|salg|forsalj|verkoop|^sale|selling|restw|residual"
        r"|factuur|varenummer|varunummer|forp|referen|uprn"
        r"|leverdatum|aktivering|ibrugtag|commission|bouwjaar|tillverkningsdat|prod(uktion"
        r"s)?dat|manufacturedate|^tags|labels|hblabel|unitofmeasure|eenheid|enhetst",
    ),
    (
        "position",
        r"hyll|hylde|shelf|reol|^pall|palle|pallet|^rack|rack$|^bin|bin$|fack$|^vak"
        r"|plank|schap|stelling|positi|platsi?forrad|placeringskode|lagerplads|slot$",
    ),
    (
        "place",
        r"^rum|rumsn|room|lokal(nummer|nr)|lokalenummer|lokaal|kamer|ruimte|placering"
        r"|^plats$|plaats|^sted$|hvorstar|varstar|waarstaat|inuse|fysisk|floor|verdieping"
        r"|vaning|^lokal$",
    ),
    (
        "site",
        r"byggnad|bygning|gebouw|building|fastighet|ejendom|vestiging|^site|site$|^pand"
        r"|complex|property|^hus$|anlaggning$|adress|address|^adres",
    ),
    (
        "department",
        r"avdelning|afdeling|verksamhet|forvaltning|department|dienst|^enhet|enhet$"
        r"|^enhed|enhed$|organisat|directorate|servicearea|sector|^team|center$"
        r"|owning|ward|division|^unit$|forvaltning",
    ),
    (
        "quantity",
        r"antal|aantal|quantit|qty|^stk$|^st$|stuks$|^count|beholdning|voorraad"
        r"|saldo|nummerof|geteld|inventerat|^pcs|antall",
    ),
    (
        "storeroom",
        r"forrad|lager|depot|magazijn|magasin|opslag|berging|storeroom|^store$"
        r"|storage|warehouse|lokation|location|locatie|^lokale$|opbevaring|stock"
        r"|buffert",
    ),
    (
        "serial_number",
        r"servicetag|serie|serial|fabrikationsn|tillverkningsn|^sn$|stelnummer"
        r"|ramnummer|framenummer|chassis",
    ),
    (
        "replacement_value",
        r"nypris|nyvard|nyvaerdi|ateranskaff|aterankaff|ersattnings"
        r"|erstatning|genanskaff|vervang|nieuwwaarde|nieuwprijs|replac"
        r"|(insur|verzeker|forsakr|forsikr).*(waarde|value|vard|vaerdi|sum|bedrag|belopp)"
        r"|pricenew|costnew|newprice",
    ),
    (
        "purchase_date",
        r"(inkop|inkob|indkob|kob|kop|anskaff|aankoop|aanschaf|purchas|acqui"
        r"|bought|koch).*(dat|dag|jaar|year|ar$|aar$|nar$|when|wanneer|tid)"
        r"|(dat|jaar|year|^ar|^aar).*(inkop|kob|kop|anskaff|aankoop|aanschaf"
        r"|purchas|acqui|bought)|inkopt|anskaffet|purchased|acquired|gekocht"
        r"|aangeschaft|aangekocht|kobt|koebt",
    ),
    (
        "purchase_price",
        r"pris|prijs|price|cost|kost|belopp|bedrag|amount|sum$|summa|vard$"
        r"|vaerdi$|waarde$|value|anskaff|aankoop|aanschaf|inkop|indkob|purchas",
    ),
    (
        "condition",
        r"skick|tillstand|^stand$|tilstand|staat|conditi|condition|kondition"
        r"|toestand|^state$|fungerar|fungerer|working|werkt|quality|kvalitet"
        r"|kwaliteit|rating|grade",
    ),
    ("model", r"^modell?typ"),  # "Model/type": its model, not its category
    (
        "category",
        r"categor|kategori|grupp|grupe|gruppe|groep|type$|typ$|klass|klasse$|class$"
        r"|soort|^slag$|^art$",
    ),
    ("model", r"modell?|typbeteckn|typebeteckn|typebetegn|typenummer|typnummer|typenr|typnr"),
    (
        "manufacturer",
        r"tillverk|fabrikat|fabrikaat|fabrikant|producent|producer|manufactur"
        r"|brand|^make$|^merk|marke$|maerke$",
    ),
    (
        "notes",
        r"anm|kommentar|comment|note|notering|notat|bemaerk|opmerking|toelichting"
        r"|bijzonder|remark|ovrig|^other|^info|anteckn|kommentaar",
    ),
    (
        "tag",
        r"inventar.*(nummer|kode|code|id)|inventory.*(nummer|number|id)|asset(tag|id"
        r"|nummer|number)|tag$|^tag|etiket|stregkode|streckkod|barcode|streepjes"
        r"|individ|lopnummer|lobenummer|anlaggningsnummer|anlaegs|aktivnummer|aktivid|objectcode"
        r"|objektnummer|idnummer|^id$|controlnummer|hulpmiddelnummer|hjalpmedelsnummer"
        r"|volgnummer|nummer$|^nummer|assetnummer|uniqueasset|said",
    ),
    (
        "name",
        r"benamning|benaevnelse|beskriv|namn|name|navn|naam|omschrijving|betegnelse"
        r"|benaming|description|produkt|product|hjalpmedel|hjaelpemiddel|hulpmiddel"
        r"|item|genstand|titel|title|artikel$|inventar$|inventarie$|objekt$|object$",
    ),
)
