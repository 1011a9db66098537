// Leaflet's ES module build has the API of the package's own typings.
declare module 'leaflet/dist/leaflet-src.esm.js' {
  export * from 'leaflet';
}
