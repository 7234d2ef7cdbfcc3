/** Entry point: the site is the last segment of /dashboard/<site>. */
import './styles.css';
import { Dashboard } from './dashboard.js';

const site = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop() ?? '');
const root = document.getElementById('app');
if (root) new Dashboard(root, site);
