import type { Principal as PrincipalAnswer } from '@emargement/contract';
import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer } from '../../shared/api-answers.js';
import type { AuthenticatedRequest } from '../auth.guard.js';
import { ANY_ROLE, Roles } from '../roles.js';

@ApiTags('devices')
@ApiBearerAuth()
@Controller()
export class WhoAmIController {
  /** Which device this token is. */
  @Get('me')
  @ApiAnswer(200, 'Principal')
  @Roles(...ANY_ROLE)
  me(@Req() req: AuthenticatedRequest): PrincipalAnswer {
    return req.device!;
  }
}
