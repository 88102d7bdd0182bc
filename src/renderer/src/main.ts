import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { useClientStore } from './stores/client-store';
import { studio } from './studio-client';
import './styles/theme.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
// The one place the real services are wired in; tests install a fake client instead.
useClientStore(pinia).setClient(studio);
app.mount('#app');
