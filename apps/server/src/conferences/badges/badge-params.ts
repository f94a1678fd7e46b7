import { BADGE_LAYOUTS, CATEGORIES, type BadgeLayout, type Category } from '@emargement/conference';
import { badRequest } from '../../shared/api-error.js';

/** `?layout=`: one of BADGE_LAYOUTS, `a4-8` when absent; anything else is `400 invalid_layout`. */
export function parseLayout(layout: string | undefined): BadgeLayout {
  if (layout === undefined || layout === '') return 'a4-8';
  if ((BADGE_LAYOUTS as readonly string[]).includes(layout)) return layout as BadgeLayout;
  throw badRequest('invalid_layout', `layout must be one of ${BADGE_LAYOUTS.join(', ')}`, [
    { field: 'layout', message: `one of ${BADGE_LAYOUTS.join(', ')}` },
  ]);
}

/** `?category=`: one category, or every one when absent. */
export function parseCategory(category: string | undefined): Category | null {
  if (category === undefined || category === '') return null;
  if ((CATEGORIES as readonly string[]).includes(category)) return category as Category;
  throw badRequest('invalid_category', `category must be one of ${CATEGORIES.join(', ')}`, [
    { field: 'category', message: `one of ${CATEGORIES.join(', ')}` },
  ]);
}

/** `?sort=`: only `lastName` (the welcome tables' order) for now; said so rather than ignored. */
export function parseSort(sort: string | undefined): 'lastName' {
  if (sort === undefined || sort === '' || sort === 'lastName') return 'lastName';
  throw badRequest('invalid_sort', 'sort must be lastName', [{ field: 'sort', message: 'lastName' }]);
}

/** `?unprinted=true`: only the people with no badge printed yet. */
export function parseFlag(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw badRequest('invalid_flag', `${name} must be true or false`, [{ field: name, message: 'true or false' }]);
}
