/**
 * GET /favicon.ico: browsers ask for it on every page this server serves (the demo pages, /docs);
 * a 32×32 icon answers instead of a 404 in every load.
 */
import { Router } from 'express';

/** A blue ring around a blue dot on white: an eye, drawn small. ICO holding one 32×32 PNG. */
const ICON = Buffer.from(
  'AAABAAEAICAAAAEAIAAEAQAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAMtJREFUeNrNV+0NhSAMZAnmcB7jEkzHIq7QMUgUEkjMy3u8Xq22Te6PgnfSD9oQAFu2PVakilxBFaWD+rP2LgZt6x9uRAcTbW3SIF4B0l9YpeRZgXwgo+SkSD5AluQ8EcrHjrmDG3D/TByYd4lRId/yXI2cKSJdBRRtcoaIci2v8N9L130gTo9f4ltwT5qm3gsC8rTwCFMM2UdQAD4goLgQYO4C8yA0T0PbQmReil1cRubXsYuGxLwlc9GUumjLXQwmLkYzF8PpG+P5CV96scndii9eAAAAAElFTkSuQmCC',
  'base64',
);

export function faviconRoute(): Router {
  const router = Router();
  router.get('/favicon.ico', (_req, res) => {
    res.set({ 'Content-Type': 'image/x-icon', 'Cache-Control': 'public, max-age=86400' }).send(ICON);
  });
  return router;
}
