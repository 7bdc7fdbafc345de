export * from './targets';
export * from './policy';
export * from './apps/kit-file';
export * from './seccomp';
export * from './images';
export * from './aws';
