// Leaflet as one lazy import. It comes as its ES module, so only what the map uses is bundled.
// The clusters come from the server, one view at a time (/api/projects.geojson?bbox=…&zoom=…).
export { divIcon, featureGroup, latLng, latLngBounds, map, marker, popup, tileLayer } from 'leaflet/dist/leaflet-src.esm.js';
