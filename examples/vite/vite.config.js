import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run build` writes the site to dist/, which Slipway serves (build.output in slipway.yml).
export default defineConfig({
  plugins: [react()],
});
