import type { EnglishOf } from '../../i18n/define.ts';

export const mapZh = {
  'map.legend': '图例',
  'map.loading': '正在加载地图…',
  'map.failed': '地图数据加载失败，请使用下方列表。',
  'map.open': '查看项目',
  'map.noScript': '地图需要浏览器启用 JavaScript 才能显示。下方“项目列表”列出了同样的项目。',
  'map.cluster': '{count} 个项目，点击放大查看',
  'map.clusterList': '{count} 个项目在同一处，点击查看列表',
  'map.project': '{title}（{stage}），点击查看',
  'map.clusterHelp': '带数字的圆圈表示附近的几个项目，数字是项目个数；点一下圆圈，地图就放大到那里。',
} as const;

export const mapEn = {
  'map.legend': 'Legend',
  'map.loading': 'Loading the map…',
  'map.failed': 'The map data could not be loaded; please use the list below.',
  'map.open': 'Open project',
  'map.noScript': 'The map needs JavaScript in your browser. The project list below has the same projects.',
  'map.cluster': '{count} projects: select to zoom in',
  'map.clusterList': '{count} projects at one place: select to list them',
  'map.project': '{title} ({stage}): select to see it',
  'map.clusterHelp': 'A numbered circle stands for several projects close together, the number saying how many; select it and the map zooms in there.',
} satisfies EnglishOf<typeof mapZh>;
