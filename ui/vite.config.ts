import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { svelteTesting } from "@testing-library/svelte/vite";

export default defineConfig({
  // svelteTesting resolves Svelte's browser build under Vitest, and only there.
  plugins: [svelte(), svelteTesting()],
  // Tauri serves the built files itself; relative paths keep them working from its protocol.
  base: "./",
  clearScreen: false,
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    // Two pages: the main window and the palette, each with only what it imports.
    rollupOptions: {
      input: { main: "index.html", palette: "palette.html" },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    setupFiles: ["src/test-setup.ts"],
  },
});
