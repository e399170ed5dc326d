/** adm-zip ships no types; src/training/formats/keras3.ts uses this much of it. */
declare module "adm-zip" {
  export default class AdmZip {
    constructor(data?: Buffer);
    addFile(name: string, data: Buffer): void;
    toBuffer(): Buffer;
    getEntries(): Array<{ entryName: string; getData(): Buffer }>;
  }
}
