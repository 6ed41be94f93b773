import { mount } from "svelte";
import App from "./App.svelte";
import { api } from "./lib/api";
import { markFontSource } from "./lib/fonts";
import "./app.css";

markFontSource(document.documentElement, navigator.userAgent);

// Marks for the launch benchmark's breakdown (script, overview, list on screen).
performance.mark("kumo:script");
// The request first: the Rust side answers while the page mounts.
const launch = api.overview();
launch.then(
  () => performance.mark("kumo:overview"),
  () => {},
);
const target = document.getElementById("app");
if (!target) throw new Error("index.html lacks the #app element");
export default mount(App, { target, props: { launch } });
