import express from 'express';
import request from 'supertest';
import { faviconRoute } from './favicon-route.js';

describe('GET /favicon.ico', () => {
  it('answers an icon (ICO holding a PNG), cached for a day', async () => {
    const response = await request(express().use(faviconRoute())).get('/favicon.ico').buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/x-icon');
    expect(response.headers['cache-control']).toBe('public, max-age=86400');
    const body = response.body as Buffer;
    expect([...body.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(body.subarray(22, 26).toString('latin1')).toBe('\x89PNG');
  });
});
