import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { router } from './lib/session.svelte.ts';
import { workers } from './lib/workers.svelte.ts';

mount(App, { target: document.getElementById('app')! });
router.connect();
// Silent workers are dropped even when no other message arrives to notice it.
setInterval(() => workers.expire(), 500);
