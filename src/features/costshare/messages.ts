// Words for the cost split, kept beside the feature (not in the shared i18n dictionary):
// why a scheme is refused, and the rounding rule as owners read it next to their shares.
import type { Lang } from '../../i18n/index.ts';
import { MAX_ID_LENGTH } from './core/split.ts';
import type { DecimalKind, Method, SplitError, SplitErrorCode } from './core/split.ts';

type ErrorOf<C extends SplitErrorCode> = Extract<SplitError, { code: C }>;
type Messages = {
  errors: { [C in SplitErrorCode]: (e: ErrorOf<C>) => string };
  kind: Record<DecimalKind | 'total', string>;
  method: Record<Method, string>;
  roundingRule: string;
};

export const costshareMessages: { zh: Messages; en: Messages } = {
  zh: {
    errors: {
      notAnObject: () => '应为一个对象 {…}',
      notAList: () => '应为一个列表 […]',
      unknownField: () => '无法识别的字段（请检查拼写）',
      missingField: () => '缺少此字段',
      fieldNotAllowed: (e) => `${costshareMethodName(e.method, 'zh')}不使用此字段，请删除`,
      badMethod: () => '分摊方式应为 equal（平均分摊）、tiered（梯次分摊）或 single（单户承担）',
      notABoolean: () => '应为 true 或 false',
      notADecimal: (e) => `${costshareMessages.zh.kind[e.kind]}应写成带引号的数字，如 "85.23"（不带正负号、千位分隔符、空格或多余的前导零）`,
      negative: (e) => `${costshareMessages.zh.kind[e.kind]}不能为负数`,
      tooManyDecimals: (e) => `${costshareMessages.zh.kind[e.kind]}最多${e.max === 2 ? '两' : ` ${e.max} `}位小数`,
      tooLarge: (e) => `${costshareMessages.zh.kind[e.kind]}最大为 ${e.max}`,
      areaNotPositive: () => '面积应大于 0',
      badFloor: () => '楼层应为整数，如 3',
      badCoefficientFloor: () => '系数表的键应为楼层整数，如 "3"',
      noCoefficient: (e) => `${e.floor} 层没有系数`,
      badFlatId: () => `户号应为不超过 ${MAX_ID_LENGTH} 个字符的文字，首尾无空格`,
      duplicateFlat: (e) => `${e.id} 重复列出（首次在 ${e.firstPath}）`,
      noFlats: () => '至少要有一户参加分摊',
      tooManyFlats: (e) => `参加分摊的户数最多 ${e.max} 户`,
      allWeightsZero: () => '所有户的权重都为 0，无法分摊',
    },
    kind: { amount: '金额', area: '面积', coefficient: '系数', total: '各户金额之和' },
    method: { equal: '平均分摊', tiered: '梯次分摊', single: '单户承担' },
    roundingRule:
      '每户分摊额 = 总额 × 本户权重 ÷ 全部权重之和，算到分，不足一分的舍去；舍去后余下的几分钱，按舍去部分从大到小每户加 1 分，舍去部分相同的按名单先后。' +
      '权重 = 所在楼层的系数（平均分摊为 1），按面积分摊时再乘以本户面积。各户金额相加正好等于总额。',
  },
  en: {
    errors: {
      notAnObject: () => 'should be an object {…}',
      notAList: () => 'should be a list […]',
      unknownField: () => 'unknown field (check the spelling)',
      missingField: () => 'this field is missing',
      fieldNotAllowed: (e) => `${costshareMethodName(e.method, 'en')} does not use this field: remove it`,
      badMethod: () => 'the method should be equal, tiered or single',
      notABoolean: () => 'should be true or false',
      notADecimal: (e) =>
        `${article(costshareMessages.en.kind[e.kind])} should be a number in quotes, like "85.23" (no sign, thousands separator, spaces or extra leading zeros)`,
      negative: (e) => `${article(costshareMessages.en.kind[e.kind])} cannot be negative`,
      tooManyDecimals: (e) => `${article(costshareMessages.en.kind[e.kind])} has at most ${e.max} decimals`,
      tooLarge: (e) => `${article(costshareMessages.en.kind[e.kind])} is at most ${e.max}`,
      areaNotPositive: () => 'an area should be more than 0',
      badFloor: () => 'a floor should be a whole number, like 3',
      badCoefficientFloor: () => 'the coefficients should be keyed by floor number, like "3"',
      noCoefficient: (e) => `floor ${e.floor} has no coefficient`,
      badFlatId: () => `a flat id should be text of at most ${MAX_ID_LENGTH} characters, without spaces around it`,
      duplicateFlat: (e) => `flat ${e.id} is listed twice (first at ${e.firstPath})`,
      noFlats: () => 'at least one flat must take part',
      tooManyFlats: (e) => `at most ${e.max} flats can take part`,
      allWeightsZero: () => 'every flat has weight 0: there is nothing to split by',
    },
    kind: { amount: 'amount', area: 'area', coefficient: 'coefficient', total: 'the sum of the amounts' },
    method: { equal: 'an equal split', tiered: 'a tiered split', single: 'a single-household item' },
    roundingRule:
      'Each flat pays total × its weight ÷ the sum of all weights, rounded down to the fen; the fen left over go one each ' +
      'to the flats whose rounding cut off the most, ties to the flat listed first. A weight is the coefficient of the ' +
      "flat's floor (1 for an equal split), times its area when the split is by area. The shares add up to the total exactly.",
  },
};

/** "an amount", "a coefficient"; phrases that already start with "the" are left alone. */
function article(noun: string): string {
  if (noun.startsWith('the ')) return noun;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

export function costshareMethodName(method: Method, lang: Lang): string {
  return costshareMessages[lang].method[method];
}

/** One refusal in one language, prefixed with where it is: "flats[2].areaM2：面积最多两位小数". */
export function describeSplitError(e: SplitError, lang: Lang): string {
  const words = (costshareMessages[lang].errors[e.code] as (e: SplitError) => string)(e);
  if (e.path === '') return words;
  return `${e.path}${lang === 'zh' ? '：' : ': '}${words}`;
}

/** "中文 / English", as the CLI prints it on stderr. */
export function splitErrorBilingual(e: SplitError): string {
  return `${describeSplitError(e, 'zh')} / ${describeSplitError(e, 'en')}`;
}
