export * from './targets';
export * from './policy';
export * from './config';
export * from './seccomp';
export * from './apparmor';
export * from './images';
export * from './aws';
export * from './k8s';
export * as verify from './verify';
