import { useState } from "react";

// The version shown on the page: edit it here and push to see a new release go live.
export const VERSION = "1.0.0";

export default function App() {
  const [clicks, setClicks] = useState(0);
  return (
    <main>
      <h1>Hello from React, built with Vite</h1>
      <p>
        Version <strong id="version">{VERSION}</strong>
      </p>
      <button type="button" onClick={() => setClicks((n) => n + 1)}>
        Clicked {clicks} times
      </button>
    </main>
  );
}
