export * from './targets';
export * from './policy';
