/**
 * The admin pages' only script: the pages work without it, it adds copy buttons and the live
 * "waiting for the first event" line. It builds no HTML from strings, as the dashboard does not.
 */
import '../styles.css';
import './admin.css';
import { watchFirstEvent } from './first-event.js';
import { enableCopyButtons } from './copy-buttons.js';

enableCopyButtons(document);
for (const element of document.querySelectorAll<HTMLElement>('[data-first-event]')) watchFirstEvent(element);
