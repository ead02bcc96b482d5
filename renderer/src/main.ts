import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { router } from './lib/session.svelte.ts';

mount(App, { target: document.getElementById('app')! });
router.connect();
