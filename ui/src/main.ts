import { mount } from "svelte";
import App from "./App.svelte";
import { api } from "./lib/api";
import "./app.css";

// The request first: the Rust side answers while the page mounts.
const launch = api.overview();
const target = document.getElementById("app");
if (!target) throw new Error("index.html lacks the #app element");
export default mount(App, { target, props: { launch } });
