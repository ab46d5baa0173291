/**
 * Informal, message-like text per interface language, written for this project, that language
 * identification learns from beside the (formal) interface strings: everyday words, chat spellings,
 * complaints to a city, small talk about television, sport and politics. Sentences are separated by
 * newlines; nothing here comes from a data set.
 */
import type { MessageLanguage } from './languages.ts';

export const LANGUAGE_SAMPLES: Record<MessageLanguage, string> = {
  en: `I can't believe it's already Friday lol
what are you doing tonight? we should go out
this is so annoying, the bus is late again and nobody tells us anything
thanks so much for your help, you guys are amazing
omg the show last night was sooo good, can't wait for the next episode
the street lights on my road haven't worked for a week
there's rubbish everywhere near the park, when will someone clean it up
I think the government should do something about it
my phone died and I missed the whole game
just watched the match, what a goal! we won
he doesn't know what he's talking about, honestly
I'm really tired today but I have to work
happy birthday! hope you have a great day
why is nobody talking about this? it's a disgrace
good morning everyone, have a nice weekend
the new bike lane is great, thank you to the council
she's going to be on tv tomorrow night
yeah I know, it was my fault, sorry
that's the worst thing I've ever seen, what a joke
gonna get some coffee and then go to the gym
we were waiting for ages and they still didn't come
can you please fix the pothole outside number twelve
loved every minute of it, the best concert of the year
not sure if I should laugh or cry
the new album drops tomorrow and I'm so excited
who's watching the debate tonight? the president said something stupid again
if you want to see it you'd better hurry, only two days left
my mum would love this, she always says the same
they have been building that road for years and it's still not finished
what the hell is going on with the trains today`,
  fr: `j'arrive pas à croire que c'est déjà vendredi mdr
tu fais quoi ce soir ? on pourrait sortir
c'est trop nul, le bus est encore en retard et personne nous dit rien
merci beaucoup pour votre aide, vous êtes géniaux
franchement l'émission d'hier soir était trop bien, vivement la suite
les lampadaires de ma rue ne marchent plus depuis une semaine
il y a des déchets partout près du parc, quand est-ce qu'on va nettoyer
je pense que le gouvernement doit faire quelque chose
mon téléphone est mort et j'ai raté tout le match
on a gagné !! quel but, c'était magnifique
il sait pas de quoi il parle, sérieux
je suis crevé aujourd'hui mais faut bosser
joyeux anniversaire ! passe une super journée
pourquoi personne n'en parle ? c'est une honte
bonjour à tous et bon week-end
la nouvelle piste cyclable est top, merci à la mairie
elle passe à la télé demain soir
ouais je sais, c'était ma faute, désolé
c'est le pire truc que j'ai jamais vu, n'importe quoi
je vais prendre un café et après j'vais à la salle
on a attendu des heures et ils sont toujours pas venus
pouvez-vous réparer le trou dans la chaussée devant chez moi
j'ai adoré, le meilleur concert de l'année
je sais pas si je dois rire ou pleurer
le nouvel album sort demain, trop hâte
qui regarde le débat ce soir ? le président a encore dit une bêtise
ils construisent cette route depuis des années et c'est toujours pas fini
mais qu'est-ce qui se passe avec les trains aujourd'hui
ça va ? oui et toi ? bof pas trop
y a du monde partout, c'est chiant
trop bien ce film, je recommande
j'en ai marre de ces travaux dans ma rue
lol t'es trop drôle
merci pour tout, vous êtes au top
le métro est encore en panne, c'est abusé
j'ai hâte de te voir ce week-end
quel match nul, on a mal joué
bon courage pour demain
c'est vraiment n'importe quoi ce gouvernement
il fait trop chaud aujourd'hui`,
  de: `ich kann nicht glauben, dass schon wieder Freitag ist haha
was machst du heute abend? wir könnten ja weggehen
das nervt so, der Bus ist schon wieder zu spät und keiner sagt was
vielen Dank für eure Hilfe, ihr seid super
die Sendung gestern war echt geil, freu mich schon auf die nächste Folge
die Straßenlaternen bei uns gehen seit einer Woche nicht
überall liegt Müll beim Park, wann räumt das endlich jemand auf
ich finde die Regierung muss endlich was tun
mein Handy war leer und ich hab das ganze Spiel verpasst
wir haben gewonnen!! was für ein Tor, einfach geil
der hat doch keine Ahnung wovon er redet, ehrlich
bin heute voll müde aber muss noch arbeiten
alles Gute zum Geburtstag! hab einen schönen Tag
warum redet keiner darüber? das ist eine Schande
guten Morgen zusammen und ein schönes Wochenende
der neue Radweg ist toll, danke an die Stadt
sie ist morgen Abend im Fernsehen
ja ich weiß, war mein Fehler, sorry
das ist das Schlimmste was ich je gesehen hab, so ein Witz
hol mir erstmal nen Kaffee und dann ab ins Fitnessstudio
wir haben ewig gewartet und die sind immer noch nicht gekommen
können Sie bitte das Schlagloch vor der Nummer zwölf reparieren
hat mir mega gefallen, das beste Konzert des Jahres
weiß nicht ob ich lachen oder weinen soll
das neue Album kommt morgen raus, ich freu mich so
wer guckt heute die Debatte? der Typ hat schon wieder Mist erzählt
an dieser Straße bauen die seit Jahren und sie ist immer noch nicht fertig
was ist denn heute mit den Zügen los
na wie gehts? ganz gut und dir? naja geht so
nicht schlecht, aber auch nicht wirklich gut, mal sehen
die Pizza war echt eklig, nie wieder
ich hab keinen Bock mehr auf den Stress
endlich Wochenende, jetzt wird gechillt
was für ein Mist, schon wieder Stau auf der Autobahn
danke dir, das ist lieb von dir
ich liebe diesen Song so sehr
der Schiri hat heute echt gepennt
mir ist so langweilig, was soll ich machen
wir sehen uns morgen, gute Nacht
oh mann, das Wetter ist heute richtig mies
gestern waren wir im Kino, der Film war leider ziemlich schlecht
ich muss jetzt los, bis später
warum ist das immer so kompliziert bei euch
geht ja gar nicht, die Leute hier sind so unfreundlich
das war ein richtig schöner Abend mit euch
hab grad voll Hunger, gibt es noch was zu essen
die Stadt sollte endlich die Ampel an der Kreuzung reparieren
kein Wunder, dass keiner mehr Bahn fahren will
Glückwunsch zum Sieg, verdient gewonnen
ach egal, ist doch nicht so schlimm`,
  es: `no me puedo creer que ya sea viernes jajaja
qué haces esta noche? podríamos salir
qué rabia, el autobús llega tarde otra vez y nadie nos dice nada
muchas gracias por vuestra ayuda, sois geniales
el programa de anoche estuvo genial, tengo ganas del siguiente capítulo
las farolas de mi calle no funcionan desde hace una semana
hay basura por todas partes cerca del parque, cuándo lo van a limpiar
creo que el gobierno tiene que hacer algo ya
se me murió el móvil y me perdí todo el partido
hemos ganado!! qué golazo, increíble
no sabe de lo que habla, en serio
hoy estoy muy cansado pero tengo que trabajar
feliz cumpleaños! que pases un día estupendo
por qué nadie habla de esto? es una vergüenza
buenos días a todos y buen fin de semana
el nuevo carril bici está muy bien, gracias al ayuntamiento
ella sale mañana por la noche en la tele
ya lo sé, fue culpa mía, perdona
es lo peor que he visto nunca, vaya tela
voy a tomar un café y luego al gimnasio
estuvimos esperando un montón y todavía no han venido
pueden arreglar el bache que hay delante del número doce por favor
me encantó, el mejor concierto del año
no sé si reír o llorar
mañana sale el nuevo disco y estoy muy ilusionada
quién ve el debate esta noche? el presidente ha vuelto a decir una tontería
llevan años con las obras de esa calle y todavía no la han terminado
qué pasa hoy con los trenes, madre mía
qué tal? bien y tú? pues bastante mal la verdad
me da igual lo que digan, yo sigo con lo mío
qué guay, me ha encantado el concierto
estoy hasta las narices de tanto ruido
jajaja qué bueno eres tío
no me gusta nada cómo están las cosas
gracias por todo, sois los mejores
el metro otra vez averiado, qué desastre
tengo muchas ganas de verte
vaya partido más aburrido
pues yo creo que tiene razón
hoy hace un calor horrible en la ciudad
me mola mucho tu foto
ojalá mañana salga bien el examen`,
  pt: `não acredito que já é sexta-feira kkkk
o que vais fazer hoje à noite? podíamos sair
que chato, o autocarro está atrasado outra vez e ninguém diz nada
muito obrigado pela ajuda, vocês são incríveis
o programa de ontem foi muito bom, não vejo a hora do próximo episódio
os candeeiros da minha rua não funcionam há uma semana
tem lixo por todo o lado perto do parque, quando é que vão limpar
acho que o governo tem de fazer alguma coisa
o meu telemóvel morreu e perdi o jogo todo
ganhámos!! que golaço, demais
ele não sabe do que está a falar, a sério
tô muito cansada hoje mas tenho que trabalhar
parabéns! que tenhas um dia maravilhoso
por que ninguém fala disso? é uma vergonha
bom dia a todos e bom fim de semana
a nova ciclovia está ótima, obrigado à câmara
ela vai aparecer na televisão amanhã à noite
pois é, eu sei, a culpa foi minha, desculpa
é a pior coisa que já vi na vida, que piada
vou tomar um café e depois vou para o ginásio
ficamos esperando um tempão e eles ainda não vieram
podem consertar o buraco na rua em frente ao número doze por favor
adorei, o melhor show do ano
não sei se rio ou se choro
o novo álbum sai amanhã e eu estou muito ansiosa
quem está vendo o debate hoje? o presidente falou besteira de novo
estão a fazer obras nessa estrada há anos e ainda não acabaram
o que é que se passa com os comboios hoje
tudo bem? tudo e você? mais ou menos né
gente que saudade, a voz dela é linda demais
vc viu o programa ontem? q vergonha gente
pq ninguém me avisou? to chocada
eu amo essa música demais, que voz linda
tá muito bom esse episódio, to adorando
hj eu não vou sair de casa nem a pau
aff que preguiça de acordar cedo
kkkkk eu morri com essa cena
cara, que raiva desse juiz, roubou o jogo
a gente já sabia que ia dar nisso né
esse ônibus nunca passa no horário, que absurdo
a prefeitura tem que consertar essa rua logo
muito legal a entrevista, adorei o convidado
nossa que saudade de vocês
tomara que ele saia hoje do programa
não aguento mais esse calor, socorro
ela é muito chata, não suporto
eita que o negócio ficou sério agora
bora assistir o jogo com a galera
fiquei com fome vendo a prova
ele cozinha muito bem, merece ganhar
que delícia esse prato, deu água na boca
isso é uma falta de respeito com o povo
obrigada pelo carinho de sempre
o chefe foi muito grosso com ela
meu deus do céu que coisa mais linda
só eu que achei a final meio sem graça?
também quero, me leva junto
acabou a luz aqui no bairro de novo
vocês viram o que aconteceu na praça? que tristeza
bom demais, melhor coisa do domingo`,
  it: `non ci posso credere che è già venerdì ahahah
che fai stasera? potremmo uscire
che palle, l'autobus è di nuovo in ritardo e nessuno ci dice niente
grazie mille per l'aiuto, siete fantastici
la puntata di ieri sera era bellissima, non vedo l'ora della prossima
i lampioni della mia via non funzionano da una settimana
c'è spazzatura dappertutto vicino al parco, quando la puliscono
secondo me il governo deve fare qualcosa
mi si è scaricato il telefono e mi sono perso tutta la partita
abbiamo vinto!! che gol, stupendo
non sa di cosa sta parlando, davvero
oggi sono stanchissimo ma devo lavorare
buon compleanno! passa una bella giornata
perché nessuno ne parla? è una vergogna
buongiorno a tutti e buon fine settimana
la nuova pista ciclabile è bellissima, grazie al comune
lei va in tv domani sera
sì lo so, è stata colpa mia, scusa
è la cosa peggiore che abbia mai visto, che schifo
prendo un caffè e poi vado in palestra
abbiamo aspettato per ore e non sono ancora arrivati
potete riparare la buca davanti al numero dodici per favore
mi è piaciuto tantissimo, il miglior concerto dell'anno
non so se ridere o piangere
domani esce il nuovo album e sono troppo contenta
chi guarda il dibattito stasera? il premier ne ha detta un'altra
stanno facendo lavori su quella strada da anni e non hanno ancora finito
ma cosa succede oggi con i treni
come va? bene e tu? insomma, così così
ma dai, non è vero, sei il solito
che bello rivederti dopo tanto tempo
mi sono rotto di questo traffico ogni mattina
ma che cavolo sta dicendo questo
sono d'accordo con te, hai ragione
stasera pizza con gli amici e poi cinema
il governo non fa niente per i giovani
che tristezza vedere la città così sporca
ahahah sei troppo forte
grazie a tutti per gli auguri
non mi piace per niente questa situazione
ragazzi che partita ieri sera
vabbè ci sentiamo domani, un bacio`,
  nl: `ik kan niet geloven dat het alweer vrijdag is haha
wat doe je vanavond? we kunnen uitgaan
zo irritant, de bus is weer te laat en niemand zegt iets
heel erg bedankt voor jullie hulp, jullie zijn top
de uitzending van gisteren was echt goed, ik kijk uit naar de volgende aflevering
de straatlampen in mijn straat doen het al een week niet
er ligt overal afval bij het park, wanneer ruimt iemand het op
ik vind dat de regering er iets aan moet doen
mijn telefoon was leeg en ik heb de hele wedstrijd gemist
we hebben gewonnen!! wat een doelpunt, geweldig
hij weet niet waar hij het over heeft, echt niet
ik ben vandaag heel moe maar ik moet nog werken
gefeliciteerd! maak er een mooie dag van
waarom heeft niemand het hierover? het is een schande
goedemorgen allemaal en een fijn weekend
het nieuwe fietspad is super, bedankt aan de gemeente
zij is morgenavond op tv
ja ik weet het, het was mijn schuld, sorry
dat is het ergste wat ik ooit gezien heb, wat een grap
even koffie halen en dan naar de sportschool
we hebben eeuwen gewacht en ze zijn nog steeds niet gekomen
kunt u alstublieft het gat in de weg voor nummer twaalf maken
genoten van elke minuut, het beste concert van het jaar
ik weet niet of ik moet lachen of huilen
het nieuwe album komt morgen uit en ik heb er zin in
wie kijkt er vanavond naar het debat? de premier zei weer iets doms
ze zijn al jaren bezig met die weg en hij is nog steeds niet klaar
wat is er vandaag aan de hand met de treinen
hoe gaat het? goed en met jou? gaat wel hoor
nou ja, het is niet slecht maar ook niet echt goed`,
  ro: `nu-mi vine să cred că e deja vineri haha
ce faci diseară? am putea ieși în oraș
ce enervant, autobuzul iar întârzie și nimeni nu ne spune nimic
mulțumesc mult pentru ajutor, sunteți minunați
emisiunea de aseară a fost super, abia aștept episodul următor
felinarele de pe strada mea nu merg de o săptămână
e gunoi peste tot lângă parc, când o să facă cineva curat
cred că guvernul trebuie să facă ceva
mi s-a descărcat telefonul și am ratat tot meciul
am câștigat!! ce gol, superb
nu știe despre ce vorbește, serios
sunt foarte obosit azi dar trebuie să lucrez
la mulți ani! să ai o zi frumoasă
de ce nu vorbește nimeni despre asta? e o rușine
bună dimineața tuturor și weekend plăcut
noua pistă de biciclete e foarte bună, mulțumim primăriei
ea apare mâine seară la televizor
da, știu, a fost vina mea, scuze
e cel mai rău lucru pe care l-am văzut vreodată, ce bătaie de joc
îmi iau o cafea și apoi merg la sală
am așteptat o veșnicie și tot n-au venit
puteți repara groapa din fața numărului doisprezece vă rog
mi-a plăcut enorm, cel mai bun concert al anului
nu știu dacă să râd sau să plâng
mâine iese albumul nou și sunt foarte entuziasmată
cine se uită la dezbatere diseară? președintele iar a zis o prostie
de ani de zile lucrează la drumul ăla și tot nu l-au terminat
ce se întâmplă azi cu trenurile
ce mai faci? bine, tu? așa și așa
lasă, nu-i nimic, mai vorbim mâine`,
  hu: `el sem hiszem, hogy már megint péntek van haha
mit csinálsz ma este? elmehetnénk valahova
de idegesítő, a busz megint késik és senki nem mond semmit
nagyon köszönöm a segítséget, szuperek vagytok
a tegnapi adás nagyon jó volt, alig várom a következő részt
az utcánkban egy hete nem égnek a lámpák
mindenhol szemét van a park mellett, mikor takarítja már el valaki
szerintem a kormánynak tennie kellene valamit
lemerült a telefonom és lemaradtam az egész meccsről
nyertünk!! micsoda gól, fantasztikus
fogalma sincs, miről beszél, komolyan
ma nagyon fáradt vagyok, de még dolgoznom kell
boldog születésnapot! legyen szép napod
miért nem beszél erről senki? ez szégyen
jó reggelt mindenkinek és szép hétvégét
az új kerékpárút nagyon jó, köszönjük az önkormányzatnak
holnap este a tévében lesz
igen, tudom, az én hibám volt, bocsi
ez a legrosszabb, amit valaha láttam, vicc
iszom egy kávét és utána megyek edzeni
órákig vártunk és még mindig nem jöttek
kérem, javítsák meg a kátyút a tizenkettes szám előtt
nagyon tetszett, az év legjobb koncertje
nem tudom, hogy sírjak vagy nevessek
holnap jön ki az új album és nagyon izgatott vagyok
ki nézi ma a vitát? a miniszterelnök megint hülyeséget mondott
évek óta építik azt az utat és még mindig nincs kész
mi van ma a vonatokkal
hogy vagy? jól, és te? megvagyok
hát ez nem rossz, de nem is igazán jó`,
  et: `ma ei suuda uskuda, et juba jälle reede on haha
mida sa täna õhtul teed? võiks välja minna
nii tüütu, buss hilineb jälle ja keegi ei ütle midagi
suur aitäh abi eest, te olete super
eilne saade oli väga hea, ootan järgmist osa
meie tänaval pole lambid nädal aega põlenud
pargi juures on igal pool prügi, millal keegi selle ära koristab
ma arvan, et valitsus peaks midagi tegema
mu telefon sai tühjaks ja ma jäin kogu mängust ilma
me võitsime!! milline värav, vinge
ta ei tea, millest ta räägib, ausalt
olen täna väga väsinud, aga pean veel tööd tegema
palju õnne sünnipäevaks! ilusat päeva
miks keegi sellest ei räägi? see on häbi
tere hommikust kõigile ja mõnusat nädalavahetust
uus jalgrattatee on väga tore, aitäh linnale
ta on homme õhtul telekas
jah ma tean, see oli minu süü, vabandust
see on halvim asi, mida ma kunagi näinud olen, täielik nali
võtan kohvi ja siis lähen jõusaali
me ootasime terve igaviku ja nad pole ikka veel tulnud
palun parandage auk tee sees maja number kaksteist ees
meeldis väga, aasta parim kontsert
ei tea, kas naerda või nutta
homme tuleb uus album välja ja ma olen nii elevil
kes täna debatti vaatab? peaminister ajas jälle jama
seda teed on aastaid ehitatud ja see pole ikka valmis
mis rongidega täna lahti on
kuidas läheb? hästi, aga sul? niisama
noh, see pole halb, aga ka mitte eriti hea`,
  bg: `не мога да повярвам, че вече е петък хаха
какво правиш довечера? може да излезем
много е досадно, автобусът пак закъснява и никой нищо не казва
много благодаря за помощта, страхотни сте
предаването снощи беше супер, нямам търпение за следващия епизод
уличните лампи на моята улица не светят от седмица
навсякъде има боклук до парка, кога някой ще го почисти
мисля, че правителството трябва да направи нещо
телефонът ми падна и изпуснах целия мач
спечелихме!! какъв гол, страхотно
той не знае за какво говори, сериозно
днес съм много уморен, но трябва да работя
честит рожден ден! приятен ден
защо никой не говори за това? срамота
добро утро на всички и приятни почивни дни
новата велоалея е чудесна, благодаря на общината
тя ще бъде по телевизията утре вечер
да, знам, моя грешка беше, извинявай
това е най-лошото нещо, което съм виждал, пълна подигравка
ще си взема кафе и после на фитнес
чакахме цяла вечност и още не са дошли
моля, поправете дупката на пътя пред номер дванадесет
много ми хареса, най-добрият концерт за годината
не знам дали да се смея или да плача
утре излиза новият албум и много се вълнувам
кой гледа дебата довечера? премиерът пак каза глупост
от години строят този път и още не е готов
какво става днес с влаковете
как си? добре, а ти? горе-долу
е, не е лошо, но не е и много добро`,
};
