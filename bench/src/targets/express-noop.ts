/** The floor every Express server pays: parse the JSON body, answer 202, do nothing else (for the tracker's route and the first version's). */
import express from 'express';

const app = express();
app.post(['/api/event', '/track'], express.json({ type: ['application/json', 'text/plain'] }), (_req, res) => {
  res.status(202).end();
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
