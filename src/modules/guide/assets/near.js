// "Near me": asks for the position only when the visitor presses the button, follows it while the page is
// open, and shows the nearest stop's card by the rule of near-rule.ts (hysteresis and dwell time).
const section = document.querySelector('.guide-near');
async function start(section) {
  const { nextCard } = await import(section.dataset.rule);
  section.hidden = false;
  const card = section.querySelector('[data-card]');
  const locate = section.querySelector('[data-locate]');
  const stop = section.querySelector('[data-stop-watch]');
  let state = { shown: 0, pending: null, since: Date.now() };
  let places = new Map();
  let watch = null;
  let answered = false;
  const say = (text) => {
    card.replaceChildren();
    const p = document.createElement('p');
    p.textContent = text;
    card.append(p);
  };
  const show = (place) => {
    card.replaceChildren();
    const article = document.createElement('article');
    const title = document.createElement('h3');
    title.textContent = place.name;
    const facts = document.createElement('p');
    facts.textContent = `${place.distance} · ${place.code}`;
    const link = document.createElement('a');
    link.href = place.url;
    link.textContent = section.dataset.open;
    article.append(title, facts, link);
    card.append(article);
  };
  const fix = async (position) => {
    const { latitude, longitude } = position.coords;
    const response = await fetch(`/guide/near.json?lat=${latitude.toFixed(6)}&lng=${longitude.toFixed(6)}`);
    if (!response.ok) return;
    const body = await response.json();
    places = new Map(body.places.map((place) => [place.id, place]));
    const before = state.shown;
    state = nextCard(state, body.places, Date.now());
    if (state.shown !== before || !answered) {
      answered = true;
      const place = places.get(state.shown);
      if (place) show(place);
      else say(section.dataset.none);
    }
  };
  locate.addEventListener('click', () => {
    answered = false;
    say(section.dataset.asking);
    watch = navigator.geolocation.watchPosition(
      (position) => void fix(position),
      () => say(section.dataset.denied),
      { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 },
    );
    locate.hidden = true;
    stop.hidden = false;
  });
  stop.addEventListener('click', () => {
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = null;
    stop.hidden = true;
    locate.hidden = false;
  });
}
if (section && 'geolocation' in navigator) void start(section);
