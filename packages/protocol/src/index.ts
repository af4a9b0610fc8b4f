export * from './version';
export * from './errors';
export * from './common';
export * from './accounts';
export * from './households';
export * from './terminals';
export * from './shops';
export * from './events';
