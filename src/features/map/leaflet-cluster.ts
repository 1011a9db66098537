// Leaflet and the clustering index as one lazy import, so the browser fetches both at once.
// Leaflet comes as its ES module, so only what the map uses is bundled, and the clusters are
// worked out by supercluster (a point index, 4 KB gzip, against leaflet.markercluster's 9 KB
// of layers): the map draws only the clusters and markers of the current view.
export { circleMarker, divIcon, featureGroup, latLng, latLngBounds, map, marker, popup, tileLayer } from 'leaflet/dist/leaflet-src.esm.js';
export { default as Supercluster } from 'supercluster';
