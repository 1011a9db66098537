// Leaflet and its cluster plug-in as one lazy import, so the browser fetches both at once
// (importing the plug-in after Leaflet had arrived cost a second round trip). The plug-in
// extends the global `L`, which Leaflet sets when it is evaluated, before the plug-in is.
import L from 'leaflet';
import 'leaflet.markercluster';

export default L;
