// The stopword package ships no type declarations; only its English list is used here.
declare module 'stopword' {
  export const eng: string[];
}
