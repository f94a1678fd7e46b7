import { Module } from '@nestjs/common';
import { AttendanceReadModel } from './attendance-read-model.js';
import { AttendanceGateway } from './attendance-feed/attendance.gateway.js';
import { SocketAuthenticator } from './attendance-feed/socket-authenticator.js';
import { DeviceSocketAuthenticator } from '../auth/device-socket-authenticator.js';
import { GetAttendanceController, GetAttendanceHandler } from './get-attendance/get-attendance.js';

/**
 * Live attendance: the checkpointed projection (`read-models.sqlite`), the
 * snapshot and `asOf` query, and the socket.io feed `/attendance`.
 */
@Module({
  controllers: [GetAttendanceController],
  providers: [
    AttendanceReadModel,
    GetAttendanceHandler,
    AttendanceGateway,
    { provide: SocketAuthenticator, useExisting: DeviceSocketAuthenticator },
  ],
  exports: [AttendanceReadModel],
})
export class AttendanceModule {}
