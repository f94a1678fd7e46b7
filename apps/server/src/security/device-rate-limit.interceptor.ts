import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, switchMap, type Observable } from 'rxjs';
import type { RateLimits } from './rate-limit.js';

/**
 * Runs the per-device limit (express-rate-limit's middleware) where the
 * device is known: interceptors run after the guards, so `req.device` is the
 * authenticated device. Its refusal is thrown, and the error filter answers
 * it in the contract's shape.
 */
@Injectable()
export class DeviceRateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limits: RateLimits) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const counted = new Promise<void>((resolve, reject) => {
      void this.limits.perDevice(req, res, (error?: unknown) => {
        if (error === undefined) resolve();
        else reject(error instanceof Error ? error : new Error('The rate limit failed'));
      });
    });
    return from(counted).pipe(switchMap(() => next.handle()));
  }
}
