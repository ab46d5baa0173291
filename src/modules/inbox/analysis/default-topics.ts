/**
 * The topics a city starts with, and their keywords in the eleven interface languages (written for
 * this project). A keyword matches the beginning of a word ("bus" → "buses"); in German, Dutch,
 * Estonian and Hungarian, whose compounds glue words together, a keyword of five letters or more also
 * matches inside a word ("abfall" in "Sperrabfall"). Cities edit their own list.
 */
import type { MessageLanguage } from './languages.ts';

export interface TopicRule {
  key: string;
  keywords: Partial<Record<MessageLanguage, readonly string[]>>;
}

const w = (text: string): string[] =>
  text
    .split(',')
    .map((keyword) => keyword.trim())
    .filter(Boolean);

export const DEFAULT_TOPICS: readonly TopicRule[] = [
  {
    key: 'waste',
    keywords: {
      en: w('rubbish, garbage, trash, litter, waste, bin, bins, recycling, dumped, fly-tipping, dumping'),
      fr: w('déchet, ordure, poubelle, encombrant, recyclage, dépôt sauvage, détritus, collecte des'),
      de: w('müll, abfall, mülltonne, tonne, recycling, sperrmüll, wertstoff, abfuhr'),
      nl: w('afval, vuilnis, zwerfvuil, container, vuilniszak, recycling, grofvuil, vuilbak'),
      es: w('basura, residuo, contenedor, papelera, reciclaje, vertido, recogida de'),
      pt: w('lixo, resíduo, contentor, caixote, reciclagem, entulho, ecoponto, recolha'),
      it: w('rifiuti, spazzatura, immondizia, cassonetto, raccolta differenziata, cestino, discarica, pattume'),
      ro: w('gunoi, deșeuri, pubelă, container, reciclare, tomberon, salubrizare'),
      hu: w('szemét, hulladék, kuka, szelektív, lomtalanítás, konténer, újrahasznosítás'),
      et: w('prügi, jäätmed, prügikast, konteiner, taaskasutus, sorteerimine, prügivedu'),
      bg: w('боклук, отпадъц, отпадъци, кофа, контейнер, рециклиране, сметосъбиране'),
    },
  },
  {
    key: 'mobility',
    keywords: {
      en: w(
        'bus, buses, tram, train, metro, traffic, parking, road, roads, pothole, cycle lane, bike, bicycle, pavement, sidewalk, crossing, car, cars',
      ),
      fr: w(
        'bus, tram, métro, train, circulation, trafic, stationnement, parking, route, chaussée, nid-de-poule, piste cyclable, vélo, trottoir, passage piéton, voiture, bouchon',
      ),
      de: w(
        'bus, straßenbahn, tram, bahn, zug, verkehr, stau, parkplatz, parken, straße, schlagloch, radweg, fahrrad, gehweg, zebrastreifen, auto, ampel',
      ),
      nl: w(
        'bus, tram, trein, metro, verkeer, file, parkeren, parkeerplaats, weg, gat in de weg, fietspad, fiets, stoep, zebrapad, auto, stoplicht',
      ),
      es: w(
        'autobús, bus, tranvía, metro, tren, tráfico, atasco, aparcamiento, aparcar, calle, carretera, bache, carril bici, bicicleta, acera, paso de peatones, coche, semáforo',
      ),
      pt: w(
        'autocarro, ônibus, elétrico, metro, metrô, comboio, trem, trânsito, estacionamento, estrada, buraco, ciclovia, bicicleta, passeio, calçada, passadeira, carro, semáforo',
      ),
      it: w(
        'autobus, bus, tram, metro, treno, traffico, parcheggio, strada, buca, pista ciclabile, bici, bicicletta, marciapiede, strisce, auto, semaforo',
      ),
      ro: w(
        'autobuz, tramvai, metrou, tren, trafic, parcare, stradă, drum, groapă, pistă de biciclete, bicicletă, trotuar, trecere de pietoni, mașină, semafor',
      ),
      hu: w(
        'busz, villamos, metró, vonat, forgalom, dugó, parkoló, parkolás, út, utca, kátyú, kerékpárút, bicikli, járda, zebra, autó, lámpa',
      ),
      et: w(
        'buss, tramm, rong, liiklus, ummik, parkimine, parkla, tänav, auk, jalgrattatee, ratas, kõnnitee, ülekäigurada, auto, valgusfoor',
      ),
      bg: w(
        'автобус, трамвай, метро, влак, трафик, задръстване, паркинг, паркиране, път, улица, дупка, велоалея, велосипед, тротоар, пешеходна пътека, кола, светофар',
      ),
    },
  },
  {
    key: 'green-spaces',
    keywords: {
      en: w('park, parks, tree, trees, garden, green space, playground, grass, lawn, flowers, bench'),
      fr: w('parc, arbre, jardin, espace vert, aire de jeux, pelouse, herbe, fleurs, square, banc'),
      de: w('park, baum, bäume, garten, grünfläche, spielplatz, rasen, wiese, blumen, parkbank'),
      nl: w('park, boom, bomen, tuin, groen, speeltuin, gras, grasveld, bloemen, plantsoen, bankje'),
      es: w('parque, árbol, jardín, zona verde, parque infantil, césped, flores, banco'),
      pt: w('parque, árvore, jardim, espaço verde, parque infantil, relva, grama, flores, banco'),
      it: w('parco, albero, alberi, giardino, verde pubblico, parco giochi, prato, erba, fiori, aiuola, panchina'),
      ro: w('parc, copac, copaci, grădină, spațiu verde, loc de joacă, iarbă, gazon, flori, bancă'),
      hu: w('park, fa, fák, kert, zöldterület, játszótér, fű, gyep, virág, pad'),
      et: w('park, puu, puud, aed, haljasala, mänguväljak, muru, lilled, pink'),
      bg: w('парк, дърво, дървета, градина, зелени площи, детска площадка, трева, цветя, пейка'),
    },
  },
  {
    key: 'safety',
    keywords: {
      en: w(
        'safety, unsafe, danger, dangerous, crime, theft, stolen, police, vandalism, fight, assault, drugs, burglary',
      ),
      fr: w(
        'sécurité, insécurité, danger, dangereux, vol, volé, police, vandalisme, agression, bagarre, drogue, cambriolage',
      ),
      de: w(
        'sicherheit, unsicher, gefahr, gefährlich, kriminalität, diebstahl, gestohlen, polizei, vandalismus, überfall, schlägerei, drogen, einbruch',
      ),
      nl: w(
        'veiligheid, onveilig, gevaar, gevaarlijk, criminaliteit, diefstal, gestolen, politie, vandalisme, overval, vechtpartij, drugs, inbraak',
      ),
      es: w(
        'seguridad, inseguridad, peligro, peligroso, delito, robo, robado, policía, vandalismo, agresión, pelea, drogas',
      ),
      pt: w(
        'segurança, insegurança, perigo, perigoso, crime, roubo, furto, roubado, polícia, vandalismo, assalto, briga, drogas',
      ),
      it: w(
        'sicurezza, insicurezza, pericolo, pericoloso, criminalità, furto, rubato, polizia, vandalismo, aggressione, rissa, droga, spaccio',
      ),
      ro: w(
        'siguranță, nesiguranță, pericol, periculos, infracțiune, furt, furat, poliție, vandalism, agresiune, bătaie, droguri',
      ),
      hu: w(
        'biztonság, veszély, veszélyes, bűnözés, lopás, ellopták, rendőr, rendőrség, vandalizmus, támadás, verekedés, drog, betörés',
      ),
      et: w(
        'turvalisus, ohutus, oht, ohtlik, kuritegevus, vargus, varastati, politsei, vandalism, rünnak, kaklus, narkootikum, sissemurdmine',
      ),
      bg: w(
        'сигурност, опасност, опасно, престъпност, кражба, откраднат, полиция, вандализъм, нападение, бой, наркотици, обир',
      ),
    },
  },
  {
    key: 'events',
    keywords: {
      en: w('event, festival, concert, exhibition, museum, theatre, theater, library, market, fair, show, culture'),
      fr: w('événement, festival, concert, exposition, musée, théâtre, bibliothèque, marché, fête, spectacle, culture'),
      de: w('veranstaltung, festival, konzert, ausstellung, museum, theater, bibliothek, markt, fest, kultur'),
      nl: w(
        'evenement, festival, concert, tentoonstelling, museum, theater, bibliotheek, markt, feest, voorstelling, cultuur',
      ),
      es: w(
        'evento, festival, concierto, exposición, museo, teatro, biblioteca, mercado, fiesta, espectáculo, cultura',
      ),
      pt: w(
        'evento, festival, concerto, show, exposição, museu, teatro, biblioteca, mercado, festa, espetáculo, cultura',
      ),
      it: w(
        'evento, festival, concerto, mostra, museo, teatro, biblioteca, mercato, festa, spettacolo, cultura, sagra',
      ),
      ro: w('eveniment, festival, concert, expoziție, muzeu, teatru, bibliotecă, târg, piață, spectacol, cultură'),
      hu: w(
        'rendezvény, esemény, fesztivál, koncert, kiállítás, múzeum, színház, könyvtár, vásár, piac, előadás, kultúra',
      ),
      et: w('üritus, festival, kontsert, näitus, muuseum, teater, raamatukogu, turg, laat, etendus, kultuur'),
      bg: w('събитие, фестивал, концерт, изложба, музей, театър, библиотека, пазар, панаир, спектакъл, култура'),
    },
  },
  {
    key: 'lighting',
    keywords: {
      en: w('street light, streetlight, lamp post, lamppost, lighting, light is out, lights are out, dark street'),
      fr: w('éclairage, lampadaire, réverbère, lumière, éteint, rue sombre'),
      de: w('straßenlaterne, laterne, beleuchtung, straßenbeleuchtung, licht, lampe, dunkel'),
      nl: w('straatverlichting, lantaarnpaal, straatlamp, verlichting, licht, donker'),
      es: w('farola, alumbrado, iluminación, luz, luces, apagada, calle oscura'),
      pt: w('candeeiro, iluminação, poste de luz, luz, luzes, apagado, rua escura'),
      it: w('lampione, illuminazione, luce, luci, spento, strada buia'),
      ro: w('felinar, iluminat, iluminare, stâlp de iluminat, lumină, bec, întuneric'),
      hu: w('közvilágítás, lámpa, utcai lámpa, lámpaoszlop, világítás, sötét'),
      et: w('tänavavalgustus, valgustus, lamp, laternapost, tänavalamp, pime'),
      bg: w('улично осветление, осветление, лампа, стълб, тъмно, тъмна улица'),
    },
  },
  {
    key: 'water',
    keywords: {
      en: w('water, leak, flooding, flood, sewer, drain, drainage, pipe, puddle, fountain'),
      fr: w('eau, fuite, inondation, inondé, égout, canalisation, caniveau, flaque, fontaine'),
      de: w('wasser, leck, überschwemmung, hochwasser, kanal, abwasser, gully, rohr, rohrbruch, pfütze, brunnen'),
      nl: w('water, lek, lekkage, overstroming, riool, afvoer, leiding, plas, fontein, wateroverlast'),
      es: w('agua, fuga, inundación, inundado, alcantarilla, alcantarillado, desagüe, tubería, charco, fuente'),
      pt: w('água, fuga, vazamento, inundação, cheia, esgoto, sarjeta, cano, poça, fontanário'),
      it: w('acqua, perdita, allagamento, alluvione, fogna, tombino, tubatura, pozzanghera, fontana'),
      ro: w('apă, scurgere, inundație, inundat, canalizare, canal, țeavă, băltoacă, fântână'),
      hu: w('víz, szivárgás, csőtörés, árvíz, csatorna, elvezetés, cső, pocsolya, szökőkút'),
      et: w('vesi, vee, leke, üleujutus, kanalisatsioon, kraav, toru, lomp, purskkaev'),
      bg: w('вода, теч, наводнение, канализация, шахта, тръба, локва, чешма, фонтан'),
    },
  },
  {
    key: 'noise',
    keywords: {
      en: w('noise, noisy, loud, music, barking, construction noise, party, neighbours'),
      fr: w('bruit, bruyant, tapage, musique forte, aboiement, chantier, voisins'),
      de: w('lärm, laut, ruhestörung, musik, bellen, baulärm, nachbarn'),
      nl: w('lawaai, geluidsoverlast, herrie, luid, muziek, blaffen, bouwlawaai, buren'),
      es: w('ruido, ruidoso, escándalo, música alta, ladridos, obras, vecinos'),
      pt: w('barulho, ruído, barulhento, música alta, latidos, obras, vizinhos'),
      it: w('rumore, rumoroso, schiamazzi, musica alta, abbaiare, cantiere, vicini'),
      ro: w('zgomot, gălăgie, zgomotos, muzică tare, lătrat, șantier, vecini'),
      hu: w('zaj, zajos, hangos, lárma, zene, ugatás, építkezés, szomszéd'),
      et: w('müra, lärm, vali, muusika, haukumine, ehitusmüra, naabrid'),
      bg: w('шум, шумно, силна музика, лай, строеж, съседи'),
    },
  },
  {
    key: 'housing',
    keywords: {
      en: w('housing, rent, flat, apartment, landlord, social housing, homeless, eviction, building'),
      fr: w('logement, loyer, appartement, propriétaire, hlm, logement social, sans-abri, expulsion, immeuble'),
      de: w('wohnung, miete, vermieter, sozialwohnung, obdachlos, räumung, wohnraum, gebäude'),
      nl: w('woning, huur, appartement, verhuurder, sociale woning, dakloos, uitzetting, gebouw, huisvesting'),
      es: w('vivienda, alquiler, piso, apartamento, casero, vivienda social, sin techo, desahucio, edificio'),
      pt: w('habitação, moradia, renda, aluguel, apartamento, senhorio, habitação social, sem-abrigo, despejo, prédio'),
      it: w('casa, abitazione, affitto, appartamento, padrone di casa, case popolari, senzatetto, sfratto, edificio'),
      ro: w('locuință, chirie, apartament, proprietar, locuințe sociale, fără adăpost, evacuare, bloc, clădire'),
      hu: w('lakás, albérlet, bérleti díj, főbérlő, bérlakás, hajléktalan, kilakoltatás, épület, társasház'),
      et: w('eluase, üür, korter, üürileandja, munitsipaalkorter, kodutu, väljatõstmine, maja, hoone'),
      bg: w('жилище, наем, апартамент, хазяин, общинско жилище, бездомни, изгонване, блок, сграда'),
    },
  },
  {
    key: 'administration',
    keywords: {
      en: w(
        'council, city hall, permit, form, office, appointment, tax, taxes, fee, website, opening hours, service, staff',
      ),
      fr: w(
        'mairie, hôtel de ville, permis, formulaire, guichet, rendez-vous, impôt, taxe, site web, horaires, service, agent',
      ),
      de: w(
        'rathaus, stadtverwaltung, verwaltung, antrag, formular, amt, termin, steuer, gebühr, webseite, öffnungszeiten, bürgerbüro',
      ),
      nl: w(
        'gemeente, stadhuis, vergunning, formulier, loket, afspraak, belasting, leges, website, openingstijden, dienst',
      ),
      es: w('ayuntamiento, licencia, permiso, formulario, ventanilla, cita, impuesto, tasa, web, horario, trámite'),
      pt: w(
        'câmara municipal, prefeitura, licença, formulário, balcão, marcação, imposto, taxa, site, horário, atendimento',
      ),
      it: w(
        'comune, municipio, permesso, modulo, sportello, appuntamento, tassa, tributi, sito, orari, ufficio, anagrafe',
      ),
      ro: w('primărie, primăria, autorizație, formular, ghișeu, programare, taxă, impozit, site, program, funcționar'),
      hu: w(
        'önkormányzat, polgármesteri hivatal, hivatal, engedély, nyomtatvány, ügyfélszolgálat, időpont, adó, díj, honlap, ügyintézés',
      ),
      et: w('linnavalitsus, vallavalitsus, luba, taotlus, vorm, teenindus, aeg, maks, tasu, veebileht, lahtiolekuaeg'),
      bg: w('община, общината, кметство, разрешение, формуляр, гише, час, данък, такса, сайт, работно време, служител'),
    },
  },
];
