import type { EnglishOf } from '../../i18n/define.ts';

export const privacyZh = {
  'privacy.title': '个人信息保护说明',
  'privacy.signupSummary':
    '注册时我们保存您的手机号、姓名或称呼和密码的哈希值，用于登录、发送验证码和有关表决的短信通知；只有您本人和依法需要的工作人员能看到手机号（公开页面一律脱敏）。您可以随时下载这些信息或注销账户。',
  'privacy.claimSummary':
    '认证房屋时我们处理：证件号码（只保存密钥哈希和末四位，用于与业主名册核对，认证决定后仍保留以便核对名册）、您上传的证明材料（敏感个人信息，只有本街道工作人员可以查看，作出决定180天后删除，有争议的除外）。投票记录（谁在何时投了哪户的票）保留到表决结束后一年的撤销诉讼期满。',
  'privacy.readMore': '完整的个人信息保护说明',
  'privacy.consentIdNumber': '我同意为核对业主名册处理上面填写的证件信息（只保存哈希值和末四位）。',
  'privacy.consentProof': '我同意街道工作人员为审核认证查看我上传的材料（敏感个人信息，决定后180天删除）。',
  'privacy.what': '我们保存什么',
  'privacy.whatBody':
    '账户：手机号、姓名或称呼、密码的哈希值。房屋认证：您填写的姓名、证件类型、证件号码的密钥哈希和末四位（从不保存明文）、上传的证明材料、审核结果和理由。投票：您为哪一户投票、何时、以何种权利投票，以及所投的选择。参与：您发表和举报的意见、对分摊方案的异议、出资承诺及其缴款和退款、捐赠（及您选择公开的署名）、志愿服务报名、您给出的评价、站内消息和通知设置。业主名册（由街道导入）：业主姓名、证件号码的哈希和末四位、电话、房屋和面积。',
  'privacy.why': '为什么',
  'privacy.whyBody':
    '登录和找回密码；确认您是哪套房屋的业主，使您能在业主表决中投票；通知同一户的其他业主有人投了票；在表决结果受到质疑时提供证据。证件号码和证明材料是敏感个人信息，只在您单独同意后处理。',
  'privacy.howLong': '保存多久',
  'privacy.howLongBody':
    '账户信息保存到您注销账户为止。证明材料在认证决定后180天删除，除非该决定有争议（此时保留到争议解决）。投票证据（谁投了票）保留到表决结束后一年，即业主请求撤销业主大会决定的期限（最高人民法院建筑物区分所有权司法解释第十二条），期满后不再与您关联。注销账户时，您的房屋认证记录一并删除；投票证据所需的认证信息（哪一户、名册上的哪位业主、如何认证）与投票证据一起保存并一起删除。每次登录的IP地址记入审计日志；审计日志只增不改，注销账户后其中的IP地址仍会保留。',
  'privacy.who': '谁能看到',
  'privacy.whoBody':
    '您本人；您所在街道负责认证和表决的工作人员；区住建局管理员。公开页面从不显示姓名、电话或证件号码。工作人员导出名册时电话默认脱敏，导出完整电话须说明理由并记入审计日志。',
  'privacy.rights': '您的权利',
  'privacy.rightsBody':
    '登录后在“我的账户 → 个人信息”中，您可以下载门户保存的关于您的全部信息，也可以注销账户：注销后您的个人信息即被删除，只有投票证据保留到上述期限届满。',
  'privacy.account': '个人信息',
  'privacy.download': '下载我的个人信息（JSON）',
  'privacy.downloadHelp':
    '包括账户、房屋认证、同意记录、投票记录、委托和异议，以及您发表和举报的意见、对分摊方案的异议、您作出的出资承诺及其缴款和退款、捐赠、志愿服务报名、您给出的评价、站内消息和通知设置。',
  'privacy.close': '注销账户',
  'privacy.closeHelp':
    '注销后您的手机号、姓名、认证信息和证明材料都会删除，业主认证随之撤销，站内消息和通知设置一并删除，捐赠公示中您选择的署名改为“匿名”，已发表的意见显示为“已注销的账户”，不能恢复。已投出的票仍然有效；谁投的票作为证据保留到表决结束后一年。',
  'privacy.closeConfirm': '我确认注销账户，并了解这不能撤销',
  'privacy.closeSubmit': '注销账户',
  'privacy.closed': '您的账户已注销，个人信息已删除。',
  'privacy.proofDisputed': '有争议，保留证明材料',
  'privacy.proofRelease': '争议已解决，按期删除',
  'privacy.proofKept': '证明材料因争议保留',
  'privacy.proofDeleted': '证明材料已按期删除',
  'err.closeConfirm': '请勾选确认注销',
  'err.staffCannotClose': '工作人员账户由区住建局停用，不能在这里注销',
} as const;

export const privacyEn = {
  'privacy.title': 'Privacy notice',
  'privacy.signupSummary':
    'When you sign up we keep your mobile number, your name or how to address you, and a hash of your password, to sign you in, send codes and text you about votes. Only you and the staff who need it see your number (it is masked on every public page). You can download this data or close your account at any time.',
  'privacy.claimSummary':
    "To verify a flat we process your ID number (kept only as a keyed hash and its last four, to match the household register; kept after the decision so the register can be checked) and the proof you upload (sensitive personal information: only staff of this subdistrict can see it; deleted 180 days after the decision unless it is disputed). Ballot records (who cast which household's ballot, and when) are kept until one year after the vote closes, the period in which a decision can be challenged.",
  'privacy.readMore': 'The full privacy notice',
  'privacy.consentIdNumber':
    'I agree that the identity document number above is processed to match the household register (kept only as a hash and its last four digits).',
  'privacy.consentProof':
    'I agree that subdistrict staff see the file I upload to decide my claim (sensitive personal information, deleted 180 days after the decision).',
  'privacy.what': 'What we keep',
  'privacy.whatBody':
    "Account: mobile number, name or form of address, a hash of the password. Flat verification: the name you entered, the ID type, a keyed hash and the last four digits of the ID number (never in clear), the proof you uploaded, the decision and its reason. Votes: which household you cast for, when, by what right, and the choices. Taking part: the comments you write and report, your objections to cost-share schemes, your pledges with their payments and refunds, donations (and the name you chose to show), volunteer sign-ups, the ratings you give, your messages and notification choices. The household register (imported by the subdistrict office): owners' names, a hash and the last four of their ID numbers, phones, flats and areas.",
  'privacy.why': 'Why',
  'privacy.whyBody':
    "To sign you in and reset your password; to establish which flat you own so you can vote in owners' votes; to tell a household's other owners that its ballot was cast; to give evidence if a vote's result is challenged. ID numbers and proof documents are sensitive personal information, processed only with your separate consent.",
  'privacy.howLong': 'For how long',
  'privacy.howLongBody':
    'Account data until you close the account. Proof documents are deleted 180 days after the decision, unless the decision is disputed (then until the dispute is settled). Ballot evidence (who cast a ballot) is kept until one year after the vote closes, the period in which an owner may ask a court to set a decision aside (SPC interpretation on building ownership, Art. 12), and then no longer linked to you. When you close your account your flat claims are deleted; what the ballot evidence needs of them (which flat, which owner on the register, how it was verified) is kept with that evidence and erased with it. The IP address of every sign-in is written to the audit log; the audit log is append-only, so those IP addresses stay in it after the account is closed.',
  'privacy.who': 'Who sees it',
  'privacy.whoBody':
    'You; the staff of your subdistrict who handle verification and votes; the district administrators. Public pages never show names, phones or ID numbers. Register exports show phones masked unless staff give a reason, which the audit log keeps.',
  'privacy.rights': 'Your rights',
  'privacy.rightsBody':
    'Signed in, under My account → Personal data, you can download everything the portal holds about you and close your account: your personal data is then erased, except ballot evidence, kept until the period above is over.',
  'privacy.account': 'Personal data',
  'privacy.download': 'Download my personal data (JSON)',
  'privacy.downloadHelp':
    'Your account, flat claims, consents, ballots cast, mandates and objections; the comments you wrote and reported, your objections to cost-share schemes, the pledges you made with their payments and refunds, donations, volunteer sign-ups, the ratings you gave, your messages and what you chose to be told.',
  'privacy.close': 'Close my account',
  'privacy.closeHelp':
    'Closing erases your mobile number, name, claims and proof documents and revokes your owner verification; your messages and notification choices are deleted, the name you chose for the donation board is replaced by “Anonymous”, and your comments show as by a closed account. It cannot be undone. Ballots you cast still count; who cast them is kept as evidence until one year after the vote closed.',
  'privacy.closeConfirm': 'I want to close my account and understand this cannot be undone',
  'privacy.closeSubmit': 'Close my account',
  'privacy.closed': 'Your account is closed and your personal data erased.',
  'privacy.proofDisputed': 'Disputed: keep the proof',
  'privacy.proofRelease': 'Dispute settled: delete on schedule',
  'privacy.proofKept': 'proof kept: disputed',
  'privacy.proofDeleted': 'proof deleted on schedule',
  'err.closeConfirm': 'Tick the box to confirm',
  'err.staffCannotClose': 'Staff accounts are disabled by the district office, not closed here',
} satisfies EnglishOf<typeof privacyZh>;
