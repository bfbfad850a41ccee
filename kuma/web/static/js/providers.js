// Provider keys and their config fields (Uptime Kuma 2.5.3's notification providers), for the settings form.
export const PROVIDERS = {
"alerta": [
"alertaAlertState",
"alertaApiEndpoint",
"alertaApiKey",
"alertaEnvironment",
"alertaRecoverState"
],
"AlertNow": [
"alertNowWebhookURL"
],
"AliyunSMS": [
"accessKeyId",
"optionalParameters",
"phonenumber",
"secretAccessKey",
"signName",
"templateCode"
],
"apprise": [
"appriseURL",
"title"
],
"bale": [
"baleBotToken",
"baleChatID"
],
"Bark": [
"apiVersion",
"barkEndpoint",
"barkGroup",
"barkSound"
],
"bearsms": [
"bearsmsHashKey",
"bearsmsPhoneNumber",
"bearsmsSenderId",
"bearsmsUsername"
],
"Bitrix24": [
"bitrix24UserID",
"bitrix24WebhookURL"
],
"Brevo": [
"brevoApiKey",
"brevoBccEmail",
"brevoCcEmail",
"brevoFromEmail",
"brevoFromName",
"brevoSubject",
"brevoToEmail"
],
"CallMeBot": [
"callMeBotEndpoint"
],
"Cellsynt": [
"cellsyntAllowLongSMS",
"cellsyntDestination",
"cellsyntLogin",
"cellsyntOriginator",
"cellsyntOriginatortype",
"cellsyntPassword"
],
"clicksendsms": [
"clicksendsmsLogin",
"clicksendsmsPassword",
"clicksendsmsSenderName",
"clicksendsmsToNumber"
],
"ClickUp": [
"clickupChannelId",
"clickupDisableUrl",
"clickupToken",
"clickupWorkspaceId"
],
"DingDing": [
"mentioning",
"mobileList",
"secretKey",
"userList",
"webHookUrl"
],
"discord": [
"disableUrl",
"discordChannelType",
"discordMessageFormat",
"discordMessageTemplate",
"discordPrefixMessage",
"discordSuppressNotifications",
"discordUseMessageTemplate",
"discordUsername",
"discordWebhookUrl",
"postName",
"threadId"
],
"egosms": [
"egosmsPassword",
"egosmsPhoneNumber",
"egosmsSender",
"egosmsUsername"
],
"Elks": [
"elksAuthToken",
"elksFromNumber",
"elksToNumber",
"elksUsername"
],
"evolution": [
"evolutionApiUrl",
"evolutionAuthToken",
"evolutionCustomMessage",
"evolutionInstanceName",
"evolutionRecipient",
"evolutionUseCustomMessage"
],
"Feishu": [
"feishuWebHookUrl"
],
"FlashDuty": [
"flashdutyIntegrationKey",
"flashdutySeverity"
],
"Flowtriq": [
"flowtriqApiKey",
"flowtriqWebhookUrl"
],
"fluxer": [
"disableUrl",
"fluxerMessageFormat",
"fluxerMessageTemplate",
"fluxerPrefixMessage",
"fluxerUseMessageTemplate",
"fluxerUsername",
"fluxerWebhookUrl"
],
"FreeMobile": [
"freemobilePass",
"freemobileUser"
],
"GoAlert": [
"goAlertBaseURL",
"goAlertToken"
],
"GoogleChat": [
"googleChatMaxRetries",
"googleChatTemplate",
"googleChatUseTemplate",
"googleChatWebhookURL"
],
"GoogleSheets": [
"googleSheetsWebhookUrl"
],
"gorush": [
"gorushDeviceToken",
"gorushPlatform",
"gorushPriority",
"gorushRetry",
"gorushServerURL",
"gorushTitle",
"gorushTopic"
],
"gotify": [
"gotifyPriority",
"gotifyapplicationToken",
"gotifyserverurl"
],
"GrafanaOncall": [
"GrafanaOncallURL"
],
"gtxmessaging": [
"gtxMessagingApiKey",
"gtxMessagingFrom",
"gtxMessagingTo"
],
"HaloPSA": [
"haloPassword",
"haloUsername",
"halowebhookurl"
],
"HeiiOnCall": [
"heiiOnCallApiKey",
"heiiOnCallTriggerId"
],
"HomeAssistant": [
"homeAssistantUrl",
"longLivedAccessToken"
],
"JiraServiceManagement": [
"jsmApiToken",
"jsmCloudId",
"jsmEmail",
"jsmPriority"
],
"Keep": [
"webhookAPIKey",
"webhookURL"
],
"Kook": [
"kookBotToken",
"kookGuildID"
],
"line": [
"lineChannelAccessToken",
"lineUserID"
],
"lunasea": [
"lunaseaDevice",
"lunaseaTarget",
"lunaseaUserID"
],
"matrix": [
"accessToken",
"homeserverUrl",
"internalRoomId",
"matrixTemplate",
"matrixUseTemplate"
],
"mattermost": [
"mattermostWebhookUrl",
"mattermostchannel",
"mattermosticonemo",
"mattermosticonurl",
"mattermostusername"
],
"max": [
"maxApiUrl",
"maxBotToken",
"maxChatID",
"maxTemplate",
"maxTemplateFormat",
"maxUseTemplate"
],
"Milky": [
"accessToken",
"httpAddr",
"msgType",
"recieverId"
],
"nextcloudtalk": [
"botSecret",
"conversationToken",
"host",
"sendSilentDown",
"sendSilentUp"
],
"nostr": [
"recipients",
"relays",
"sender"
],
"notifery": [
"notiferyApiKey",
"notiferyGroup",
"notiferyTitle"
],
"ntfy": [
"ntfyAuthenticationMethod",
"ntfyCall",
"ntfyCustomMessage",
"ntfyCustomTitle",
"ntfyIcon",
"ntfyPriority",
"ntfyPriorityDown",
"ntfyUseTemplate",
"ntfyaccesstoken",
"ntfypassword",
"ntfyserverurl",
"ntfytopic",
"ntfyusername"
],
"octopush": [
"octopushAPIKey",
"octopushDMAPIKey",
"octopushDMLogin",
"octopushDMPhoneNumber",
"octopushDMSMSType",
"octopushDMSenderName",
"octopushLogin",
"octopushPhoneNumber",
"octopushSMSType",
"octopushSenderName",
"octopushVersion"
],
"OneBot": [
"accessToken",
"httpAddr",
"msgType",
"recieverId"
],
"OneChat": [
"accessToken",
"botId",
"recieverId"
],
"Onesender": [
"onesenderReceiver",
"onesenderToken",
"onesenderTypeReceiver",
"onesenderURL"
],
"Ooredoo": [
"ooredooAccessKey",
"ooredooBearerToken",
"ooredooServerUrl",
"ooredooToNumber",
"ooredooUsername"
],
"openwa": [
"openwaApiKey",
"openwaApiUrl",
"openwaChatId",
"openwaCustomMessage",
"openwaSession",
"openwaUseCustomMessage"
],
"Opsgenie": [
"opsgenieApiKey",
"opsgeniePriority",
"opsgenieRegion"
],
"PagerDuty": [
"pagerdutyAutoResolve",
"pagerdutyIntegrationKey",
"pagerdutyIntegrationUrl",
"pagerdutyPriority"
],
"PagerTree": [
"pagertreeAutoResolve",
"pagertreeIntegrationUrl",
"pagertreeUrgency"
],
"pinglet": [
"pingletApiKey",
"pingletPublishUrl"
],
"plivo": [
"plivoAnswerUrl",
"plivoAuthID",
"plivoAuthToken",
"plivoFromNumber",
"plivoMessageType",
"plivoToNumber"
],
"promosms": [
"promosmsAllowLongSMS",
"promosmsLogin",
"promosmsPassword",
"promosmsPhoneNumber",
"promosmsSMSType",
"promosmsSenderName"
],
"pumble": [
"webhookURL"
],
"pushbullet": [
"pushbulletAccessToken"
],
"PushByTechulus": [
"pushAPIKey",
"pushChannel",
"pushSound",
"pushTimeSensitive",
"pushTitle"
],
"PushDeer": [
"pushdeerKey",
"pushdeerServer"
],
"pushover": [
"pushoverapptoken",
"pushoverdevice",
"pushoverpriority",
"pushoversounds",
"pushoversounds_up",
"pushovertitle",
"pushoverttl",
"pushoveruserkey"
],
"PushPlus": [
"pushPlusSendKey"
],
"pushy": [
"pushyAPIKey",
"pushyToken"
],
"Resend": [
"resendApiKey",
"resendFromEmail",
"resendFromName",
"resendSubject",
"resendToEmail"
],
"rocket.chat": [
"rocketbutton",
"rocketchannel",
"rocketiconemo",
"rocketusername",
"rocketwebhookURL"
],
"SendGrid": [
"sendgridApiKey",
"sendgridBccEmail",
"sendgridCcEmail",
"sendgridFromEmail",
"sendgridSubject",
"sendgridToEmail"
],
"ServerChan": [
"serverChanSendKey"
],
"serwersms": [
"serwersmsGroupId",
"serwersmsPassword",
"serwersmsPhoneNumber",
"serwersmsRecipientType",
"serwersmsSenderName",
"serwersmsUsername"
],
"SevenIO": [
"sevenioApiKey",
"sevenioReceiver",
"sevenioSender"
],
"signal": [
"signalNumber",
"signalRecipients",
"signalTemplate",
"signalURL",
"signalUseTemplate"
],
"SIGNL4": [
"webhookURL"
],
"slack": [
"slackIncludeGroupName",
"slackTemplate",
"slackUseTemplate",
"slackbutton",
"slackchannel",
"slackchannelnotify",
"slackiconemo",
"slackrichmessage",
"slackusername",
"slackwebhookURL"
],
"smsc": [
"smscLogin",
"smscPassword",
"smscSenderName",
"smscToNumber",
"smscTranslit"
],
"SMSEagle": [
"smseagleApiType",
"smseagleDuration",
"smseagleEncoding",
"smseagleMsgType",
"smseaglePriority",
"smseagleRecipient",
"smseagleRecipientContact",
"smseagleRecipientGroup",
"smseagleRecipientTo",
"smseagleRecipientType",
"smseagleToken",
"smseagleTtsModel",
"smseagleUrl"
],
"SMSGateway": [
"smsgatewayApiKey",
"smsgatewayTo",
"smsgatewayUrl"
],
"smsir": [
"smsirApiKey",
"smsirNumber",
"smsirTemplate"
],
"SMSManager": [
"messageType",
"numbers",
"smsmanagerApiKey"
],
"SMSPartner": [
"smspartnerApikey",
"smspartnerPhoneNumber",
"smspartnerSenderName"
],
"SMSPlanet": [
"smsplanetApiToken",
"smsplanetPhoneNumbers",
"smsplanetSenderName"
],
"smtp": [
"customBody",
"customSubject",
"htmlBody",
"smtpAdditionalHeaders",
"smtpBCC",
"smtpCC",
"smtpDkimDomain",
"smtpDkimHashAlgo",
"smtpDkimKeySelector",
"smtpDkimPrivateKey",
"smtpDkimheaderFieldNames",
"smtpDkimskipFields",
"smtpFrom",
"smtpHost",
"smtpIgnoreSTARTTLS",
"smtpIgnoreTLSError",
"smtpPassword",
"smtpPort",
"smtpSecure",
"smtpTo",
"smtpUsername"
],
"Splunk": [
"pagerdutyIntegrationKey",
"splunkAutoResolve",
"splunkRestURL",
"splunkSeverity"
],
"SpugPush": [
"templateKey"
],
"squadcast": [
"squadcastWebhookURL"
],
"stackfield": [
"stackfieldwebhookURL"
],
"teams": [
"teamsEnableTags",
"webhookUrl"
],
"telegram": [
"telegramBotToken",
"telegramChatID",
"telegramMessageThreadID",
"telegramProtectContent",
"telegramSendSilently",
"telegramServerUrl",
"telegramTemplate",
"telegramTemplateParseMode",
"telegramUseTemplate"
],
"telnyx": [
"telnyxApiKey",
"telnyxMessagingProfileId",
"telnyxPhoneNumber",
"telnyxToNumber"
],
"Teltonika": [
"teltonikaModem",
"teltonikaPassword",
"teltonikaPhoneNumber",
"teltonikaUnsafeTls",
"teltonikaUrl",
"teltonikaUsername"
],
"threema": [
"threemaRecipient",
"threemaRecipientType",
"threemaSecret",
"threemaSenderIdentity"
],
"TurboSMTP": [
"turbosmtpBccEmail",
"turbosmtpCcEmail",
"turbosmtpConsumerKey",
"turbosmtpConsumerSecret",
"turbosmtpFromEmail",
"turbosmtpRegion",
"turbosmtpSubject",
"turbosmtpToEmail"
],
"twilio": [
"twilioAccountSID",
"twilioApiKey",
"twilioAuthToken",
"twilioFromNumber",
"twilioMessagingServiceSID",
"twilioToNumber"
],
"VK": [
"vkAccessToken",
"vkApiVersion",
"vkDontParseLinks",
"vkPeerId"
],
"VKTeams": [
"vkteamsBaseUrl",
"vkteamsBotToken",
"vkteamsChatId",
"vkteamsTemplate",
"vkteamsTemplateFormat",
"vkteamsUseTemplate"
],
"waha": [
"wahaApiKey",
"wahaApiUrl",
"wahaChatId",
"wahaSession"
],
"webhook": [
"httpMethod",
"webhookAdditionalHeaders",
"webhookContentType",
"webhookCustomBody",
"webhookURL"
],
"Webpush": [
"subscription"
],
"WeCom": [
"weComBotKey",
"weComMentionedMobileList"
],
"whapi": [
"whapiApiUrl",
"whapiAuthToken",
"whapiRecipient"
],
"Whatsapp360messenger": [
"Whatsapp360messengerAuthToken",
"Whatsapp360messengerGroupId",
"Whatsapp360messengerGroupIds",
"Whatsapp360messengerRecipient",
"Whatsapp360messengerTemplate",
"Whatsapp360messengerUseTemplate"
],
"WPush": [
"wpushAPIkey",
"wpushChannel"
],
"WxPusher": [
"wxpusherSPT"
],
"YZJ": [
"yzjToken",
"yzjWebHookUrl"
],
"ZohoCliq": [
"webhookUrl"
]
};
