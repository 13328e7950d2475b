/**
 * The lists' palette. Colours are mid-tone so the sidebar dot reads on the light and the dark theme
 * (it is decorative: the list's name carries the meaning).
 */
export const LIST_COLORS = [
  { name: 'Blue', value: '#4f6df5' },
  { name: 'Teal', value: '#0f9b8e' },
  { name: 'Green', value: '#2f9e44' },
  { name: 'Amber', value: '#e8a317' },
  { name: 'Orange', value: '#e8590c' },
  { name: 'Red', value: '#e03131' },
  { name: 'Pink', value: '#d6336c' },
  { name: 'Violet', value: '#7048e8' },
  { name: 'Grey', value: '#868e96' },
] as const;

export const LIST_ICONS = [
  { name: 'No icon', value: '' },
  { name: 'House', value: '🏠' },
  { name: 'Briefcase', value: '💼' },
  { name: 'Cart', value: '🛒' },
  { name: 'Book', value: '📚' },
  { name: 'Plane', value: '✈️' },
  { name: 'Heart', value: '❤️' },
  { name: 'Star', value: '⭐' },
  { name: 'Dumbbell', value: '🏋️' },
  { name: 'Money', value: '💰' },
  { name: 'Idea', value: '💡' },
  { name: 'Party', value: '🎉' },
] as const;

/** The colour a new list gets: the next one in the palette after those in use. */
export function nextListColor(existing: readonly { color: string }[]): string {
  return LIST_COLORS[existing.length % LIST_COLORS.length]!.value;
}
