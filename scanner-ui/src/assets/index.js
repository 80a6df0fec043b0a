// The start page: translations only.
import { initPage } from './common.js';

initPage();
