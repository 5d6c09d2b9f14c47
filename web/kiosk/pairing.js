// The kiosk's pairing, kept under its own key (see shared/pairing.js).
import { pairingStore } from '../shared/pairing.js';

const store = pairingStore('qiandao.kiosk');
export const readPairing = () => store.read();
export const savePairing = (p) => store.save(p);
export const forgetPairing = () => store.forget();
