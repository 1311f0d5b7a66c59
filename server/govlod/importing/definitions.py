"""The sheets `govlod import` reads, in the order it reads them: their columns, where each column's
values come from, and the one-line hints the templates show a publisher's office.

Together they hold every class and property of the vocabulary the data uses, so that a publisher can
keep all of its data in a spreadsheet (`govlod export` writes it back into them)."""

from __future__ import annotations

from govlod.importing.sheets import Choices, CodeList, Reference, Sheet

_CODE_HINT = (
    "Codice breve, in minuscolo con trattini (es. {example}): forma l'indirizzo stabile del dato; "
    "se vuoto è ricavato dal nome. Non ripeterlo nel foglio."
)
_SOURCES = "Codici delle pagine di origine (foglio fonti) da cui sono tratti i dati della riga, separati da ;."
_ALSO_KNOWN = "Altri nomi con cui è citato, separati da ; (es. sigle o nomi per esteso)."
_PARTIES = (
    "Codici degli enti, uffici, coordinamenti o tavoli coinvolti, separati da ;.",
    "Tipi di ente coinvolti, dall'elenco, separati da ; (es. comune;asl).",
)
_ORGANI = Reference(("tavoli", "coordinamenti"))
_PARTY_SHEETS = Reference(("enti", "uffici", "coordinamenti", "tavoli"), several=True)
_SOURCE_PAGES = Reference(("fonti",), several=True)

ENTI = Sheet(
    "enti",
    ("codice", "nome", "tipologia"),
    (
        "partita_iva",
        "codice_fiscale",
        "codice_ipa",
        "codice_istat",
        "nel_territorio_di",
        "altri_nomi",
        "descrizione",
        "note",
        "fonti",
        "nome_en",
        "note_en",
    ),
    about="Gli enti: Comuni, Province, Regioni, enti gestori, ASL, consorzi e aziende speciali.",
    hints={
        "codice": _CODE_HINT.format(example="comune-novara"),
        "nome": "Nome ufficiale dell'ente (es. Comune di Novara).",
        "tipologia": "Tipo di ente, dall'elenco (es. comune, provincia, ente-gestore); più tipi separati da ; "
        "(es. comune;ente-gestore per un Comune che gestisce i servizi sociali).",
        "partita_iva": "Partita IVA, 11 cifre, con gli zeri iniziali.",
        "codice_fiscale": "Codice fiscale dell'ente.",
        "codice_ipa": "Codice IPA dell'Indice della PA: da 2 a 20 lettere, cifre o _.",
        "codice_istat": "Codice ISTAT del territorio: 2 cifre per una Regione, 3 per una Provincia, "
        "6 per un Comune (es. 003106), con gli zeri iniziali.",
        "nel_territorio_di": "Codice dell'ente nel cui territorio si trova questo: la Provincia di un Comune, "
        "la Regione di una Provincia.",
        "altri_nomi": _ALSO_KNOWN,
        "descrizione": "Una descrizione dell'ente o del suo ruolo, come la dà la fonte.",
        "note": "Note su come la fonte nomina l'ente (es. solo con una sigla).",
        "fonti": _SOURCES,
        "nome_en": "Nome dell'ente in inglese (es. Municipality of Novara).",
        "note_en": "Le note in inglese.",
    },
    allowed={
        "tipologia": CodeList("body-kind", several=True),
        "nel_territorio_di": Reference(("enti",)),
        "fonti": _SOURCE_PAGES,
    },
)
UFFICI = Sheet(
    "uffici",
    ("codice", "ente", "nome"),
    ("fonti", "nome_en"),
    about="Gli uffici e i settori degli enti (es. il Settore Politiche Sociali di una Provincia).",
    hints={
        "codice": _CODE_HINT.format(example="settore-politiche-sociali"),
        "ente": "Codice dell'ente (foglio enti) di cui l'ufficio fa parte.",
        "nome": "Nome dell'ufficio (es. Settore Politiche Sociali della Provincia di Novara).",
        "fonti": _SOURCES,
        "nome_en": "Nome dell'ufficio in inglese.",
    },
    allowed={"ente": Reference(("enti",)), "fonti": _SOURCE_PAGES},
)
CARICHE = Sheet(
    "cariche",
    ("codice", "ente", "nome", "ruolo"),
    ("ufficio", "fonti", "nome_en"),
    about="Le cariche degli enti (presidente, direttore, assessore...) i cui titolari siedono ai tavoli "
    "di diritto o ne designano i componenti. Negli altri fogli una carica si indica con ente/codice "
    "(es. cisa-24/presidente).",
    hints={
        "codice": "Codice breve della carica, unico nello stesso ente (es. presidente): negli altri fogli "
        "si scrive ente/codice (es. cisa-24/presidente).",
        "ente": "Codice dell'ente (foglio enti) a cui appartiene la carica.",
        "nome": "Nome della carica (es. Presidente di CISA 24).",
        "ruolo": "Ruolo della carica, dall'elenco (es. presidente, direttore, assessore).",
        "ufficio": "Codice dell'ufficio (foglio uffici) in cui si trova la carica, se non è dell'ente intero.",
        "fonti": _SOURCES,
        "nome_en": "Nome della carica in inglese.",
    },
    allowed={
        "ente": Reference(("enti",)),
        "ruolo": CodeList("role"),
        "ufficio": Reference(("uffici",)),
        "fonti": _SOURCE_PAGES,
    },
    scope="ente",
)
COORDINAMENTI = Sheet(
    "coordinamenti",
    ("codice", "nome"),
    ("tipologia", "istituito_da", "membri", "livelli", "altri_nomi", "descrizione", "fonti", "nome_en"),
    about="I coordinamenti tra enti (es. il coordinamento degli enti gestori) e le strutture di governo "
    "della programmazione zonale: chi li ha istituiti, chi ne fa parte, i loro livelli.",
    hints={
        "codice": _CODE_HINT.format(example="coordinamento-enti-gestori-novara"),
        "nome": "Nome del coordinamento o della struttura.",
        "tipologia": "Tipo, dall'elenco: coordinamento-enti-gestori (se vuoto) o "
        "struttura-governo-programmazione-zonale.",
        "istituito_da": "Codice dell'ente (foglio enti) che ha istituito il coordinamento.",
        "membri": "Codici degli enti membri (foglio enti), separati da ; (es. comune-novara;cisa-24).",
        "livelli": "Livelli di governo che la struttura comprende, dall'elenco, separati da ; "
        "(es. indirizzo-politico;gestione;partecipazione).",
        "altri_nomi": _ALSO_KNOWN,
        "descrizione": "Una descrizione, come la dà la fonte (anche più paragrafi).",
        "fonti": _SOURCES,
        "nome_en": "Nome del coordinamento in inglese.",
    },
    allowed={
        "tipologia": CodeList("governance-body-kind"),
        "istituito_da": Reference(("enti",)),
        "membri": Reference(("enti",), several=True),
        "livelli": CodeList("governance-level", several=True),
        "fonti": _SOURCE_PAGES,
    },
)
PARTECIPAZIONE = Sheet(
    "partecipazione",
    ("codice", "struttura", "nome", "categorie"),
    ("livello", "testo", "fonti", "nome_en"),
    about="La partecipazione di categorie di attori (Terzo settore, altri attori) a una struttura di governo.",
    hints={
        "codice": _CODE_HINT.format(example="rhodense-terzo-settore"),
        "struttura": "Codice della struttura o del coordinamento (foglio coordinamenti).",
        "nome": "Nome della forma di partecipazione.",
        "categorie": "Categorie di attori che partecipano, dall'elenco, separate da ; "
        "(es. terzo-settore;altri-attori).",
        "livello": "Livello di governo a cui partecipano, dall'elenco (es. partecipazione).",
        "testo": "Il testo della fonte che descrive la partecipazione.",
        "fonti": _SOURCES,
        "nome_en": "Nome in inglese.",
    },
    allowed={
        "struttura": Reference(("coordinamenti",)),
        "categorie": CodeList("actor-category", several=True),
        "livello": CodeList("governance-level"),
        "fonti": _SOURCE_PAGES,
    },
)
TAVOLI = Sheet(
    "tavoli",
    ("codice", "nome", "tipologia", "parte_di"),
    ("costituito_nel", "altri_nomi", "fonti", "nome_en"),
    about="I tavoli e gli organi di ogni coordinamento o struttura: tavolo politico, tavolo tecnico, "
    "tavoli di coordinamento, ufficio di piano.",
    hints={
        "codice": _CODE_HINT.format(example="tavolo-politico"),
        "nome": "Nome del tavolo (es. Tavolo Politico).",
        "tipologia": "Tipo di organo, dall'elenco (es. tavolo-politico, tavolo-tecnico, ufficio-di-piano).",
        "parte_di": "Codice del coordinamento o della struttura (foglio coordinamenti) di cui il tavolo fa parte.",
        "costituito_nel": "Codice del piano (foglio piani) nel cui ambito il tavolo è costituito.",
        "altri_nomi": _ALSO_KNOWN,
        "fonti": _SOURCES,
        "nome_en": "Nome del tavolo in inglese (es. Political table).",
    },
    allowed={
        "tipologia": CodeList("governance-body-kind"),
        "parte_di": Reference(("coordinamenti",)),
        "costituito_nel": Reference(("piani",)),
        "fonti": _SOURCE_PAGES,
    },
)
POSTI = Sheet(
    "posti",
    ("codice", "tavolo", "nome", "ruolo"),
    # English text and the source's words last, in every sheet: the columns most publishers fill come first.
    (
        "per_conto_di",
        "di_diritto",
        "designato_da",
        "scelto_in",
        "categoria",
        "veste",
        "ruoli_ammessi",
        "requisiti",
        "compito",
        "quanti",
        "eventuale",
        "nome_en",
        "requisiti_en",
        "compito_en",
        "testo_fonte",
    ),
    about="I posti di ogni tavolo: in quale ruolo, per conto di quale ente, chi li occupa di diritto e chi li designa.",
    hints={
        "codice": _CODE_HINT.format(example="delegato-cisa-24"),
        "tavolo": "Codice del tavolo (foglio tavoli) a cui appartiene il posto.",
        "nome": "Descrizione del posto (es. Delegato dell'Assemblea di CISA 24).",
        "ruolo": "Ruolo del posto a questo tavolo, dall'elenco (es. presidente, componente-di-diritto, delegato).",
        "per_conto_di": "Codice dell'ente (foglio enti) che il posto rappresenta.",
        "di_diritto": "La carica (foglio cariche, ente/codice) il cui titolare occupa il posto di diritto "
        "(es. cisa-24/presidente).",
        "designato_da": "Chi designa chi occupa il posto: il codice di un ente (foglio enti) o una carica "
        "(foglio cariche, ente/codice).",
        "scelto_in": "Codice dell'ente o dell'ufficio (fogli enti, uffici) tra il cui personale è scelto chi "
        "occupa il posto.",
        "categoria": "Categoria di attori che occupa il posto, dall'elenco (es. assistenti-sociali-servizi-base).",
        "veste": "In quale veste siede chi occupa il posto, dall'elenco: deliberativa, consultiva, segreteria, "
        "invitato-permanente.",
        "ruoli_ammessi": "Ruoli che può avere chi occupa il posto, dall'elenco, separati da ; (es. sindaco;assessore).",
        "requisiti": "Chi può occupare il posto (es. Sindaci o Assessori ai servizi sociali).",
        "compito": "Il compito del posto (es. coordinamento tecnico).",
        "quanti": "Quante persone occupano il posto: un numero intero.",
        "eventuale": "sì se il posto è solo eventuale; no o vuoto se è sempre previsto.",
        "nome_en": "Descrizione del posto in inglese (es. Delegate of the Assembly of CISA 24).",
        "requisiti_en": "Chi può occupare il posto, in inglese (es. Mayors or councillors for social services).",
        "compito_en": "Il compito del posto, in inglese.",
        "testo_fonte": "Le parole esatte della pagina da cui è tratto il posto, copiate come sono "
        "(es. 7 delegati in rappresentanza delle Assemblee).",
    },
    allowed={
        "tavolo": Reference(("tavoli",)),
        "ruolo": CodeList("role"),
        "per_conto_di": Reference(("enti",)),
        "di_diritto": Reference(("cariche",)),
        "designato_da": Reference(("enti", "cariche")),
        "scelto_in": Reference(("enti", "uffici")),
        "categoria": CodeList("actor-category"),
        "veste": CodeList("capacity"),
        "ruoli_ammessi": CodeList("role", several=True),
        "eventuale": Choices(("sì", "no")),
    },
)
APPARTENENZE = Sheet(
    "appartenenze",
    ("persona", "posto", "dal"),
    ("al",),
    about="Le persone che occupano i posti, dal giorno in cui iniziano al giorno in cui finiscono.",
    hints={
        "persona": "Nome e cognome della persona.",
        "posto": "Codice del posto (foglio posti) che la persona occupa.",
        "dal": "Data di inizio: una data (es. 01/03/2024) o il testo AAAA-MM-GG (es. 2024-03-01).",
        "al": "Data di fine, come la data di inizio (vuota se l'incarico è in corso).",
    },
    allowed={"posto": Reference(("posti",))},
    dates=("dal", "al"),
)
AMBITI = Sheet(
    "ambiti",
    ("codice", "nome"),
    ("fonti", "nome_en"),
    about="Gli ambiti territoriali (distretti) dei piani di zona.",
    hints={
        "codice": _CODE_HINT.format(example="rhodense"),
        "nome": "Nome dell'ambito (es. Rhodense).",
        "fonti": _SOURCES,
        "nome_en": "Nome dell'ambito in inglese.",
    },
    allowed={"fonti": _SOURCE_PAGES},
)
PIANI = Sheet(
    "piani",
    ("codice", "nome"),
    ("ambito", "gestito_da", "governato_da", "ufficio_di_piano", "altri_nomi", "fonti", "nome_en"),
    about="I piani (es. il Piano Sociale di Zona): il loro ambito, chi li gestisce e chi li governa.",
    hints={
        "codice": _CODE_HINT.format(example="piano-sociale-di-zona-rhodense"),
        "nome": "Nome del piano (es. Piano Sociale di Zona del Rhodense).",
        "ambito": "Codice dell'ambito territoriale (foglio ambiti) del piano.",
        "gestito_da": "Codice dell'ente (foglio enti) che gestisce il piano.",
        "governato_da": "Codice della struttura di governo (foglio coordinamenti) del piano.",
        "ufficio_di_piano": "Codice dell'ufficio di piano (foglio tavoli).",
        "altri_nomi": _ALSO_KNOWN,
        "fonti": _SOURCES,
        "nome_en": "Nome del piano in inglese.",
    },
    allowed={
        "ambito": Reference(("ambiti",)),
        "gestito_da": Reference(("enti",)),
        "governato_da": Reference(("coordinamenti",)),
        "ufficio_di_piano": Reference(("tavoli",)),
        "fonti": _SOURCE_PAGES,
    },
)
OBIETTIVI = Sheet(
    "obiettivi",
    ("organo", "posizione", "testo"),
    ("nome", "coinvolge", "coinvolge_tipologie", "nome_en"),
    about="Gli obiettivi di ogni tavolo o coordinamento, nel loro ordine.",
    hints={
        "organo": "Codice del tavolo (foglio tavoli) o del coordinamento (foglio coordinamenti).",
        "posizione": "Posizione dell'obiettivo: 1, 2, 3..., senza ripetizioni per lo stesso organo.",
        "testo": "Testo dell'obiettivo.",
        "nome": "Una frase breve che lo riassume (se vuota, l'inizio del testo).",
        "coinvolge": _PARTIES[0],
        "coinvolge_tipologie": _PARTIES[1],
        "nome_en": "La frase breve in inglese.",
    },
    allowed={
        "organo": _ORGANI,
        "coinvolge": _PARTY_SHEETS,
        "coinvolge_tipologie": CodeList("body-kind", several=True),
    },
)
FUNZIONI = Sheet(
    "funzioni",
    ("codice", "organo", "posizione", "nome"),
    ("testo", "nome_en"),
    about="Le funzioni assegnate a un tavolo o a un coordinamento, nel loro ordine.",
    hints={
        "codice": _CODE_HINT.format(example="connessione-coordinamento"),
        "organo": "Codice del tavolo (foglio tavoli) o del coordinamento (foglio coordinamenti).",
        "posizione": "Posizione della funzione: 1, 2, 3..., senza ripetizioni per lo stesso organo.",
        "nome": "Una frase breve che la riassume.",
        "testo": "Il testo della fonte che assegna la funzione.",
        "nome_en": "La frase breve in inglese.",
    },
    allowed={"organo": _ORGANI},
)
ATTIVITA = Sheet(
    "attivita",
    ("organo", "posizione", "nome"),
    ("funzione", "testo", "coinvolge", "coinvolge_tipologie", "nome_en"),
    about="Le attività con cui un tavolo o un coordinamento svolge le sue funzioni, nel loro ordine.",
    hints={
        "organo": "Codice del tavolo (foglio tavoli) o del coordinamento (foglio coordinamenti).",
        "posizione": "Posizione dell'attività: 1, 2, 3..., senza ripetizioni per lo stesso organo.",
        "nome": "Una frase breve che la riassume.",
        "funzione": "Codice della funzione (foglio funzioni) che l'attività esplica.",
        "testo": "Il testo della fonte che descrive l'attività.",
        "coinvolge": _PARTIES[0],
        "coinvolge_tipologie": _PARTIES[1],
        "nome_en": "La frase breve in inglese.",
    },
    allowed={
        "organo": _ORGANI,
        "funzione": Reference(("funzioni",)),
        "coinvolge": _PARTY_SHEETS,
        "coinvolge_tipologie": CodeList("body-kind", several=True),
    },
)
NORME = Sheet(
    "norme",
    ("organo", "urn", "titolo"),
    ("nome", "sigla", "emanata_da", "nome_en"),
    about="Le leggi e gli atti su cui si fonda ogni tavolo o coordinamento.",
    hints={
        "organo": "Codice del tavolo (foglio tavoli) o del coordinamento (foglio coordinamenti).",
        "urn": "Identificativo URN:NIR dell'atto (es. urn:nir:stato:legge:2000-11-08;328).",
        "titolo": "Titolo dell'atto.",
        "nome": "Come si cita l'atto per esteso (es. Legge 8 novembre 2000, n. 328); se vuoto, il titolo.",
        "sigla": "Citazione breve (es. Legge 328/2000, L.R. 1/2004).",
        "emanata_da": "Codice dell'ente (foglio enti) che ha emanato l'atto (es. la Regione).",
        "nome_en": "La citazione per esteso in inglese.",
    },
    allowed={"organo": _ORGANI, "emanata_da": Reference(("enti",))},
)
CONTATTI = Sheet(
    "contatti",
    ("nome",),
    (
        "codice",
        "organo",
        "tipo",
        "di",
        "organizzazione",
        "telefono",
        "fax",
        "email",
        "pec",
        "indirizzo",
        "cap",
        "comune",
        "etichetta",
        "etichetta_en",
        "testo_fonte",
    ),
    about="I recapiti di enti, uffici, coordinamenti e tavoli, e delle persone di riferimento: uffici, "
    "telefoni, fax, e-mail, PEC e indirizzi.",
    hints={
        "nome": "Nome del recapito come sul biglietto da visita (es. Ufficio Politiche Sociali, Eufemia Melissa).",
        "codice": _CODE_HINT.format(example="ufficio-politiche-sociali"),
        "organo": "Codici degli enti, uffici, coordinamenti o tavoli (fogli enti, uffici, coordinamenti, tavoli) "
        "di cui è il recapito, separati da ;.",
        "tipo": "ufficio (se vuoto) o persona.",
        "di": "Per una persona: il codice del recapito dell'ufficio (questo foglio) di cui fa parte.",
        "organizzazione": "L'ente o l'ufficio come lo scrive il recapito (es. Provincia di Novara).",
        "telefono": "Numeri di telefono, separati da ; (es. 0321 378851; +39 0321 378844).",
        "fax": "Numeri di fax, separati da ;.",
        "email": "Indirizzo e-mail.",
        "pec": "Indirizzo di posta elettronica certificata.",
        "indirizzo": "Via e numero civico (es. Via dei Cornaggia 33).",
        "cap": "Codice di avviamento postale, 5 cifre.",
        "comune": "Codice ISTAT del Comune dell'indirizzo, 6 cifre (es. 015182).",
        "etichetta": "Come il recapito appare nelle pagine (se vuota, il nome).",
        "etichetta_en": "L'etichetta in inglese.",
        "testo_fonte": "Le parole esatte della pagina da cui sono tratti i recapiti.",
    },
    allowed={
        "organo": _PARTY_SHEETS,
        "tipo": Choices(("ufficio", "persona")),
        "di": Reference(("contatti",)),
    },
)
FONTI = Sheet(
    "fonti",
    ("codice", "titolo", "pubblicata_da"),
    ("nome", "percorso", "aggiornata_il", "nome_en"),
    about="Le pagine web da cui sono tratti i dati: gli altri fogli le nominano nella colonna fonti.",
    hints={
        "codice": _CODE_HINT.format(example="provincia-novara-coordinamento-enti-gestori"),
        "titolo": "Il titolo della pagina, come appare.",
        "pubblicata_da": "Codice dell'ente (foglio enti) che pubblica la pagina.",
        "nome": "Come la pagina è nominata qui (es. Tavolo Politico (pagina della Provincia)); se vuoto, il titolo.",
        "percorso": "Il percorso di navigazione della pagina (es. Politiche sociali > Coordinamento).",
        "aggiornata_il": "Data dell'ultimo aggiornamento dichiarata dalla pagina.",
        "nome_en": "Il nome in inglese.",
    },
    allowed={"pubblicata_da": Reference(("enti",))},
    dates=("aggiornata_il",),
)
DATASET = Sheet(
    "dataset",
    ("codice", "titolo", "descrizione", "pubblicato_da"),
    ("nome", "pubblicato_il", "contatto", "territorio", "fonti", "titolo_en", "descrizione_en", "nome_en"),
    about="La scheda del dataset per i cataloghi di dati aperti (DCAT-AP_IT): titolo, descrizione, chi lo "
    "pubblica, il recapito, il territorio. Una riga.",
    hints={
        "codice": "Codice del dataset, di solito quello del tuo ente (es. provincia-novara): forma l'indirizzo "
        "del dataset e il suo identificativo govlod:codice.",
        "titolo": "Il titolo del dataset nei cataloghi.",
        "descrizione": "Che cosa contiene il dataset, in poche frasi.",
        "pubblicato_da": "Codice dell'ente (foglio enti) che pubblica il dataset e ne detiene i diritti.",
        "nome": "Come il dataset è nominato nelle pagine (se vuoto, il titolo).",
        "pubblicato_il": "Data della prima pubblicazione.",
        "contatto": "Codice del recapito (foglio contatti) a cui scrivere per il dataset.",
        "territorio": "Il territorio coperto: un codice ISTAT (es. 003 per la Provincia di Novara) o il codice "
        "di un ambito (foglio ambiti).",
        "fonti": _SOURCES,
        "titolo_en": "Il titolo in inglese.",
        "descrizione_en": "La descrizione in inglese.",
        "nome_en": "Il nome in inglese.",
    },
    allowed={
        "pubblicato_da": Reference(("enti",)),
        "contatto": Reference(("contatti",)),
        "fonti": _SOURCE_PAGES,
    },
    dates=("pubblicato_il",),
)
SHEETS = (
    ENTI,
    UFFICI,
    CARICHE,
    COORDINAMENTI,
    PARTECIPAZIONE,
    TAVOLI,
    POSTI,
    APPARTENENZE,
    AMBITI,
    PIANI,
    OBIETTIVI,
    FUNZIONI,
    ATTIVITA,
    NORME,
    CONTATTI,
    FONTI,
    DATASET,
)
