/**
 * Compact sentiment word lists written for this project (ro bg et hu), same notation as words-west.ts.
 * Words are written with their diacritics; a text typed without them still matches (except where the
 * diacritic changes the word).
 */
import type { WordLists } from './word-lists.ts';

export const EAST: Record<'ro' | 'bg' | 'et' | 'hu', WordLists> = {
  ro: {
    positive: `!minunat* !excelent* !superb* !perfect* !iubesc !ador bine bun bună buni bune frumos
      frumoasă frumoși frumoase mulțumesc mulțumim mersi fericit* bucuros bucuroasă bucurie mișto super tare
      grozav* extraordinar* felicitări bravo câștig* victorie mândru mândră speranță sper curat curată sigur
      reparat rezolvat rapid util amabil* drăguț* recomand interesant* incredibil* 
      succes* iubire dragoste plăcut* plăcere haha lol top fain faină`,
    negative: `!urăsc !ură !groaznic* !oribil* !dezgust* !nasol* rău rea răi prost proastă proști slab* trist* supărat*
      nervos* enervant* furios* murdar* murdărie gunoi* mizerie* zgomot* gălăgie întârzi* anulat* defect* stricat*
      problem* pericol* periculos* nesigur* infracțiun* furt* furat* inundați* scurger* pagub* mort* moarte murit
      bolnav* durere plâng* frică teamă îngrijorat* scuze rușine scandal* inacceptabil* nedrept* plictis* obosit*
      pierdut* pierdere înfrângere dezamăgi* dezastru* inutil* ridicol* minciun* mincinos* corupt* abandonat*
      război* violență victim* greu scump* criză păcat naspa gropi* groapă
      !întuneric* beznă periculoas* inundat* inundată duhoare putoare pute puțit alunecos* gropi`,
    negations: `nu nici niciodată fără nimic nimeni niciun nicio n-am n-a`,
    intensifiers: `foarte prea atât tare super extrem cu adevărat total absolut chiar`,
  },
  bg: {
    positive: `!обичам !страхотн* !прекрасн* !отличн* !перфектн* !чудесн* добър добра добро добри добре по-добр* най-добр*
      хубав* красив* благодаря мерси благодарим щастлив* радост* радвам доволн* супер яко готин* браво поздравления
      победа спечели* гордост горд* надежда надявам чист* безопасн* ремонтиран* решен* бърз* полезн* любезн* мил*
      препоръчвам интересн* невероятн* най-сетне успех* любов приятн* удоволствие хаха лол топ`,
    negative: `!мразя !омраза !ужасн* !отвратителн* !гадн* лош* лошо по-лош* най-лош* тъжн* ядосан* нервн* дразн* мръсн*
      мръсотия боклук* смет* шум* закъсн* отменен* повреден* счупен* проблем* опасн* несигурн* престъпл* кражб*
      открадн* наводнени* теч* щета* щети умря смърт мъртъв болен болн* болка плач* страх уплашен* тревож* съжалявам
      извинявай срам* скандал* неприемлив* несправедлив* скучн* уморен* загуб* разочаров* катастроф* безполезн*
      смешн* лъжа лъжи лъжец корумпиран* изоставен* война насилие жертв* трудн* скъп* криза жалко глупост* глупав*
      дупк* подигравка
      смърди воня тъмн* наводнен* опасн*`,
    negations: `не нито никога без нищо никой няма`,
    intensifiers: `много твърде толкова супер изключително наистина напълно абсолютно доста`,
  },
  et: {
    positive: `!suurepära* !imeli* !fantastili* !täiuslik* !armasta* hea head hästi parem parim parima ilus ilusa ilusad aitäh
      tänan täname tänud õnnelik* rõõm* rõõmus* lahe* tore toreda vinge* super äge* õnne braavo võit* võitsime
      uhke lootus loodan puhas puhta ohutu parandatud lahendatud kiire kasulik* sõbralik* meeldiv* meeldib meeldis
      soovitan huvitav* uskumatu* lõpuks tulemast edu* armastus nauding* nautisin haha lol`,
    negative: `!vihkan !kohutav* !jube* !õudne* !vastik* halb halva halvad halvem halvim kurb* kurva* vihane* närvi*
      tüütu* ärritav* räpane* mustus prügi* müra* lärm* hilin* tühistatud katki* rikki probleem* oht* ohtlik*
      kuritegu* kuritegevus varguse* varastatud üleujutus* leke* kahju* surnud surm sure* haige* valu nutt* nuta*
      hirm* kardan mure* vabandust häbi* skandaal* vastuvõetamatu* ebaaus* igav* väsinud kaotus* kaotasime pettu*
      pettumus* katastroof* kasutu* naeruväär* vale valetaja* korrumpeerun* sõda* vägivald* ohver* raske kallis kriis
      jama auk augud aukude
      haiseb hais* pime* pimedus* üleujutatud* ohtlik*`,
    negations: `ei mitte pole ilma eks kunagi midagi keegi ära`,
    intensifiers: `väga liiga nii täiesti tõesti eriti super üli kohutavalt absoluutselt`,
  },
  hu: {
    positive: `!imád* !szuper !fantasztikus* !tökéletes* !csodálatos* !kiváló* jó jól jobb legjobb szép szépen köszönöm köszönjük
      köszi kösz boldog* öröm* örül* elégedett* klassz király menő remek* gratul* bravó győz* nyert* nyertünk büszke*
      remény* remélem tiszta biztonságos megjavít* megold* gyors* hasznos* kedves* barátságos* ajánlom érdekes*
      hihetetlen* végre üdv szeret* szerelem élvez* tetszik tetszett haha lol`,
    negative: `!utál* !gyűlöl* !szörnyű* !borzalmas* !undorító* !rettenet* rossz rosszabb legrosszabb szomorú* mérges*
      dühös* ideges* idegesít* bosszant* koszos* piszkos* szemét* hulladék* zaj* lárma* késik késés* késett törölt*
      elromlott* romos* hibás* probléma* veszély* veszélyes* bűn* bűnöz* lopás* lopt* árvíz* szivárg* kár kárt halott*
      halál* meghalt beteg* fájdalom fáj sír* félek félelem aggód* bocsánat bocsi szégyen* botrány* elfogadhatatlan*
      igazságtalan* unalmas* unatkoz* fáradt* elveszett* vesztett* vereség csalódás* csalódott* katasztróf* hasznavehetetlen
      nevetséges* hazug* hazugság* korrupt* háború* erőszak* áldozat* nehéz drága válság* sajnos kátyú* hülye* hülyeség*
      vicc baj
      büdös* bűz* sötét* elárasztott* veszélyes*`,
    negations: `nem ne sem soha nélkül semmi senki nincs nincsen`,
    intensifiers: `nagyon túl annyira szuper rendkívül igazán teljesen abszolút eléggé borzasztóan`,
  },
};
