/** The nine matters owners decide jointly (Civil Code Art. 278); items 6–8 are major. */
export type Art278Item = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
export type MatterKind = 'major' | 'ordinary';

export const ART_278_ITEMS: readonly { item: Art278Item; zh: string; en: string }[] = [
  { item: 1, zh: '制定和修改业主大会议事规则', en: "Rules of procedure of the owners' general meeting" },
  { item: 2, zh: '制定和修改管理规约', en: 'Management covenant' },
  { item: 3, zh: '选举业主委员会或者更换业主委员会成员', en: "Electing or replacing the owners' committee" },
  { item: 4, zh: '选聘和解聘物业服务企业或者其他管理人', en: 'Hiring or dismissing the property company or other manager' },
  { item: 5, zh: '使用建筑物及其附属设施的维修资金', en: 'Using the maintenance fund' },
  { item: 6, zh: '筹集建筑物及其附属设施的维修资金', en: 'Raising the maintenance fund' },
  { item: 7, zh: '改建、重建建筑物及其附属设施', en: 'Renovating or rebuilding buildings and their ancillary facilities' },
  { item: 8, zh: '改变共有部分的用途或者利用共有部分从事经营活动', en: 'Changing the use of common parts or using them commercially' },
  { item: 9, zh: '有关共有和共同管理权利的其他重大事项', en: 'Other major matters of common ownership and management' },
];

export function isArt278Item(n: unknown): n is Art278Item {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 9;
}

// Item 9 says "other major matters" but is not one of the items Art. 278 ¶2 lists for the
// 3/4 threshold, so it is decided by the ordinary majority.
export function kind(item: Art278Item): MatterKind {
  if (!isArt278Item(item)) throw new RangeError(`not a Civil Code Art. 278 item: ${String(item)}`);
  return item >= 6 && item <= 8 ? 'major' : 'ordinary';
}
