import { mount } from "svelte";
import Palette from "./lib/Palette.svelte";
import { markFontSource } from "./lib/fonts";
import "./app.css";

markFontSource(document.documentElement, navigator.userAgent);

const target = document.getElementById("palette");
if (!target) throw new Error("palette.html lacks the #palette element");
export default mount(Palette, { target });
