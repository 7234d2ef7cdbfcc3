/** Entry point: the site is named by /dashboard/<site>, or by /share/<site>/<token> for a shared link. */
import './styles.css';
import { Dashboard } from './dashboard.js';

const [, kind, site = '', token] = location.pathname.replace(/\/+$/, '').split('/');
const root = document.getElementById('app');
if (root) new Dashboard(root, decodeURIComponent(site), kind === 'share' && token ? token : undefined);
