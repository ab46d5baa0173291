/**
 * Compact sentiment word lists written for this project (en fr de nl es pt it): frequent polar words
 * of everyday messages and of complaints to a city, beside (not copied from) the pattern lexicons.
 * Folded spelling (lower case, no accents). A trailing '*' matches any ending ("merci*" → "mercis").
 * '!' before a word marks it strong (counts double).
 */
import type { WordLists } from './word-lists.ts';

export const WEST: Record<'en' | 'fr' | 'de' | 'nl' | 'es' | 'pt' | 'it', WordLists> = {
  en: {
    positive: `!love* loved lovely !amazing !awesome great good nice best better !excellent !fantastic !wonderful !perfect
      thank* thx happy happi* glad enjoy* fun funny beautiful cool brilliant proud win* won congrat* !congratulations yay
      excited exciting super like likes liked favourite favorite fav sweet cute well fine helpful clean safe fixed solved
      appreciate* impressive incredible glorious hope hopeful hopefully smile* laugh* lol haha* hehe yes success* support*
      recommend* welcome ready finally free pleasure pleased satisfied quick fast friendly kind beauty !brilliant wow
      celebrat* enjoyed top blessed luck lucky yummy delicious gorgeous epic legend rock rocks winner improve* improved`,
    negative: `!hate* hated bad worse !worst !terrible !awful !horrible poor sad sadly angry annoy* disgust* !disgusting
      broken dirty filthy smell* stink* noisy noise late delay* cancel* fail* wrong problem* issue* complain* complaint
      danger* dangerous unsafe crime* stolen theft rubbish trash garbage litter* pothole* flood* leak* damage* dead die
      died death kill* killed sick ill hurt pain cry crying tears sorry fear scared afraid worry* worried upset mad
      stupid idiot* dumb fuck* fucking shit* crap damn hell ugly boring bored tired lost lose loser loss miss missed
        disappoint* !disaster mess useless waste* ridiculous shame !shameful scandal* unacceptable rude
      lazy lie* liar fake corrupt* abandoned neglect* unfair attack* war violence victim* hard difficult sucks suck
      wtf ugh smh annoying rip cancelled closed dark ignored expensive
      flooded flooding stench stinks smelly pitch-dark unlit`,
    negations: `not no never dont don't doesn't didn't isn't aren't wasn't weren't cannot can't won't nor without neither hardly ain't nothing`,
    intensifiers: `very really so too extremely totally absolutely super such most much quite truly completely so much incredibly`,
  },
  fr: {
    positive: `!adore* aime aimer aimé j'aime !genial* super bien bon bonne bons meilleur* !excellent* !magnifique* !parfait*
      merci* heureu* content* joie plaisir beau belle beaux jolie sympa cool top bravo felicit* gagne* gagné victoire
      drole rire mdr lol ptdr hate trop bien chouette agreable propre securise* repare reparee repares reparees efficace rapide utile
      formidable incroyable superbe fier fiere espoir esper* sourire* fete bienvenue reussi* succes amour amoureu*
      recommande* apprecie* interessant* excit* enfin`,
    negative: `!deteste* !nul nulle nuls mauvais* !pire !horrible* !affreu* triste* colere enerv* marre chiant* relou
      sale sales salete* dechet* ordure* poubelle* crotte* bruit* bruyant* retard* annul* panne probleme* danger*
      dangereu*  vole agression* insecurite crime* inondation* fuite* casse* degat* mort morts mourir tue* malade
      mal douleur pleur* peur inquiet* desole honte scandal* inadmissible inacceptable stupide con conne connard* merde
      putain fuck bordel chier degueu* degoutant* moche ennui ennuy* fatigu* perdu* perdre defaite rate* 
       decu* decevant* catastroph* desastre galere inutile gaspill* ridicule injuste* mensonge* menteur*
      corrompu* abandon* neglig* attaque* guerre violence* victime* difficile dur crise cher chere hont*
      pue puent puanteur inonde inondee inondees inondes sombre obscur* dangereus* glissant*`,
    negations: `ne pas n' jamais plus aucun aucune rien sans ni guere personne`,
    intensifiers: `tres trop vraiment tellement si super hyper vachement completement totalement extremement grave`,
  },
  de: {
    positive: `!liebe* lieb !toll* !super gut gute guter gutes besser beste* !geil* !klasse !prima !perfekt* !wunderbar*
      !wundervoll* schön* schoen* danke* dank freu* froh glücklich* gluecklich* spass spaß lustig cool nett super
      sieg* gewonnen gewinn* gratul* glückwunsch* glueckwunsch* bravo hurra juhu yeah endlich genial* großartig*
      grossartig* herrlich* lecker* sauber* sicher repariert gelöst geloest hilfreich* freundlich* hübsch* huebsch*
      interessant* empfehl* beeindruck* spannend* stolz hoffnung* hoffe lach* haha* hehe lol xd bestens traum*
      fantastisch* phantastisch* mega hammer erfolg* zufrieden* gefällt gefaellt gefallen willkommen yay`,
    negative: `!hass* !scheiß* !scheiss* scheiße mist !kacke schlecht* schlimm* !schrecklich* !furchtbar* !katastroph*
      traurig* wütend* wuetend* ärger* aerger* nervt nerv* nervig* doof* blöd* bloed* dumm* idiot* arsch* fuck verdammt*
      dreck* dreckig* müll muell* abfall lärm* laerm*  stau verspät* verspaet* ausfall* ausgefallen kaputt* defekt*
      problem* gefahr* gefährlich* gefaehrlich* unsicher* kriminal* diebstahl* gestohlen überfall* ueberfall* hochwasser
      schaden* tot tod sterb* gestorben krank* schmerz* weinen weine weinte angst sorge* sorry leider enttäusch* enttaeusch*
      langweil* müde muede verloren verlier* niederlage peinlich* schande skandal* unverschämt* frech* unmöglich*
      ekel* eklig* hässlich* haesslich* nutzlos* lüge* luege* lügner* korrupt* krieg* gewalt* opfer* schwer
      teuer* chaos unfair* ungerecht* mies* versagt* versag* wtf grr ätzend aetzend
      stinkt stinken gestank !fürchterlich* !fuerchterlich* überflutet* ueberflutet* überschwemm* ueberschwemm* dunkel* finster* gefährdet* unbeleuchtet`,
    negations: `nicht nie niemals kein keine keinen keiner keinem nichts ohne weder nix net ned`,
    intensifiers: `sehr so total voll echt wirklich extrem mega ganz zu absolut richtig besonders unglaublich`,
  },
  nl: {
    positive: `!geweldig* !fantastisch* !prachtig* !perfect* leuk* mooi* goed goede beter beste top super lief blij
      bedankt dank dankje dankjewel dankuwel fijn gezellig* gelukkig* trots hoop hopelijk lach* haha lol gewonnen winst
      overwinning gefeliciteerd proficiat bravo schoon veilig gerepareerd opgelost handig vriendelijk* lekker* heerlijk*
      genieten genoten genoot aanrader interessant* spannend* welkom eindelijk geniaal knap mooie toppie`,
    negative: `!haat* slecht*  ergste !vreselijk* !verschrikkelijk* !afschuwelijk* rot stom* dom* idioot* kut* shit
      fuck verdomme klote* verdrietig* boos kwaad irritant* ergerlijk* vies* vuil* afval* zwerfvuil rommel lawaai*
      herrie vertraging* vertraagd   storing* kapot* defect* probleem* gevaar* gevaarlijk* onveilig* misdaad*
      diefstal* gestolen overval* overstroming* lek* schade* dood dode sterven gestorven ziek* pijn huil* bang angst
      zorgen sorry helaas teleurgesteld* teleurstell* saai* moe verloren verlies* nederlaag schande schandalig*
      belachelijk* onacceptabel* brutaal* onbeschoft* lelijk* nutteloos* leugen* corrupt* oorlog* geweld* slachtoffer*
      moeilijk duur chaos oneerlijk* waardeloos* jammer
      stinkt stank overstroomd* ondergelopen donker* glad`,
    negations: `niet geen nooit niets niemand zonder noch nergens`,
    intensifiers: `heel erg zo echt zeer super mega enorm ontzettend totaal helemaal vreselijk te`,
  },
  es: {
    positive: `!encant* !amo !genial* !excelente* !perfect* !maravillos* !increible* bien buen buena buenos buenas mejor* gracias
      feliz felices alegr* content* guay mola molan chulo chula bonit* precios* hermos* guap* divertid* risa jaja* jeje*
      lol gan* ganamos victoria enhorabuena felicidades felicit* bravo orgullos* esperanza ojala limpi* segur* arreglad*
      rapid* util amable simpatic* recomiend* interesante* emocion* fantastic* estupend* brutal por fin bienvenid* exito*
      disfrut* amor querid* ilusion* top gusta gusto agradec* suerte`,
    negative: `!odio !odi* !horrible* !asco !asquer* !fatal* !peor* mal mala malo malos malas triste* enfad* cabre* harto
      harta rabia molest* pesad* basura sucio* sucia* suciedad mierda joder puta* puto* cabron* gilipoll* idiota* imbecil*
      estupid* tont* ruido* ruidos* retras*  cancel* averi* roto rota problema* peligr* insegur* delincuen* robo*
      robad* inundac* fuga* dano* muert* morir murio enferm* dolor llor* miedo preocup*   perdon vergüenza
      verguenza siento escandal* inaceptable injust* aburrid* cansad* perd* derrota decepcion* decepcionad* desastre* inutil*
      ridicul* mentir* mentira* corrupt* abandon* guerra* violencia* victima* dificil caro cara crisis fracas* lamentable
      triste pena  
      apesta* hedor peste inundad* anegad* oscur* peligros*`,
    negations: `no nunca jamas ni sin nada nadie tampoco ningun ninguna`,
    intensifiers: `muy mucho mucha muchisimo tan tanto super re demasiado totalmente realmente bastante tremendo`,
  },
  pt: {
    positive: `!amo !amei !adoro !adorei !otim* !perfeit* !maravilhos* !incrivel !excelente* bom boa bons boas melhor* obrigad*
      valeu feliz felizes alegr* content* legal massa top lind* bonit* divertid* engracad* kkk* haha* rs lol gan* ganhou
      vitoria parabens bravo orgulho* esperanca tomara limp* segur* consertad* consertou consertaram resolvid* rapid* util simpatic* recomend*
      interessante* emocion* fantastic* demais sucesso* aproveit* amor querid* saudade* gost* curt* arras* mito diva
      delicia* sensacional* show`,
    negative: `!odeio !odi* !horrivel !pessim* !nojo* !pior* mal ma mau ruim triste* raiva irrit* chat* cansad* lixo
      sujo* suja* sujeira merda porra caralho puta* fdp idiota* imbecil* burr* estupid* barulho* atras* cancel* quebr*
      avari* problema* perig* insegur* crime* roubo* roubad* assalt* enchente* vazament* estrag* mort* morrer morreu
      doent* dor chor* medo preocup* desculpa vergonha escandal* inaceitavel injust* chato chata tedio entediad*
      perd* derrota decepcion* desastre* inutil* ridicul* mentir* mentira* corrupt* abandon* guerra* violencia* vitima*
      dificil  crise fracass* lamentavel pena   aff affs odio embuste* falso* falsa*
      alagad* alagamento* inundad* fedor fedorento* fede escur* perigos* buraco* esburacad*`,
    negations: `nao nunca jamais nem sem nada ninguem tampouco nenhum nenhuma`,
    intensifiers: `muito muita muitos tao super bem demais totalmente realmente bastante mega`,
  },
  it: {
    positive: `!amo !adoro !bellissim* !fantastic* !perfett* !meraviglios* !stupend* !ottim* bello bella belli belle bene buon
      buono buona buoni migliore* grazie felice felici content* allegr* divertent* simpatic* carin* fico figo forte
      vinto vinc* vittoria complimenti auguri bravo brava bravi orgoglio* speranza spero pulit* sicur* riparat*
      risolt* veloce utile gentil* consigli* interessante* emozion* incredibil* finalmente benvenut* success* goder*
      amore tesoro piace piaciut* top grande mitico mitica ahah* haha* lol`,
    negative: `!odio !odi* !schifo* !orribil* !pessim* !peggio* !peggior* male brutt* trist* arrabbiat* incazz* palle
      fastidio* nervos* sporc* spazzatura rifiut* immondizia merda cazzo cazzat* vaffanculo stronz* idiot* imbecill*
      stupid* cretin* rumor* ritard* cancellat* guast* rott* problem* pericol* insicur* crimin* furt* rubat* allag*
      perdit* dann* mort* morire malat* dolore piang* paura preoccup* scusa vergogna* scandal* inaccettabil* ingiust*
      noios* stanc*  sconfitta delus* disastr* inutil* ridicol* bugi* menzogn* corrott* abbandon* guerra violenz*
      vittim* difficil* caro crisi fallit* purtroppo   falsi troie ladri
      puzza* puzzolent* allagat* buio buia pericolos* scur* fetore`,
    negations: `non mai niente nulla senza ne nessuno nessuna neanche nemmeno`,
    intensifiers: `molto tanto troppo proprio davvero super veramente assolutamente tantissimo cosi`,
  },
};
