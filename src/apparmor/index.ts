export * from './profile';
export * from './parser';
export * from './files';
