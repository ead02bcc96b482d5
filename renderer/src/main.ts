import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { router } from './lib/session.svelte.ts';
import { findCluster } from './lib/wamp/endpoint.ts';

mount(App, { target: document.getElementById('app')! });
// A control center on a shared router waits for the user to sign in there; Kiln's own router is joined at once.
void findCluster(window).then((cluster) => {
  if (cluster) router.useCluster(cluster);
  else router.connect();
});
