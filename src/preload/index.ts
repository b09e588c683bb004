import { contextBridge } from 'electron';

// One function per admin contract operation is exposed here (no generic channel).
contextBridge.exposeInMainWorld('api', {});
