// The coding domain at the bottom of lib/: the model, its rules and the ports storage implements.
export * from './model.js';
export * from './records.js';
export * from './ports.js';
export * from './rules.js';
