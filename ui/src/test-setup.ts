import "@testing-library/jest-dom/vitest";

// jsdom lays nothing out, so it has no ResizeObserver; sizes stay 0 under test.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};
