export * from './context';
export * from './dockerfiles';
export * from './kafel-tables';
export * from './nsjail-config';
export * from './nsjail-options';
export * from './recipe-rules';
export * from './versions';
